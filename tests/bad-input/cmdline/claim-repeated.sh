# Two initbind.claim= parameters: the second one replaces the first, and initbind says so.
echo "initbind.claim=00:04.0 quiet initbind.claim=00:05.0x" > proc/cmdline
