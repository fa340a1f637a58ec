# A uevent without its final newline is read as it is: nothing to report.
echo 'initbind.claim=00:04.0' > proc/cmdline
printf '%s' "$(cat sys/devices/pci0000:00/0000:00:04.0/uevent)" > sys/devices/pci0000:00/0000:00:04.0/uevent
