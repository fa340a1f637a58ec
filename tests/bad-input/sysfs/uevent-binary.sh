# A NUL byte and a non-text byte inside the NIC's uevent.
echo 'initbind.claim=00:04.0' > proc/cmdline
printf 'PCI_CLASS=20000\000\377PCI_ID=8086:100E\n' > sys/devices/pci0000:00/0000:00:04.0/uevent
