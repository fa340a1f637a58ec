# initbind=of typed at the boot menu: it does not disable initbind, and initbind says so.
echo "console=ttyS0 initbind=of initbind.claim=00:04.0" > proc/cmdline
