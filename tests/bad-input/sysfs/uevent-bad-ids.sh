# A five-digit device ID and a subsystem ID that is not hex: the function cannot be identified.
echo 'initbind.claim=00:04.0' > proc/cmdline
printf 'PCI_CLASS=20000\nPCI_SUBSYS_ID=zz\nPCI_ID=8086:100EE\n' > sys/devices/pci0000:00/0000:00:04.0/uevent
