# A class code that overflows 64 bits, another above 24 bits.
echo 'initbind.claim=00:04.0,00:05.0' > proc/cmdline
sed -i 's/^PCI_CLASS=.*/PCI_CLASS=ffffffffffffffffffffffff/' sys/devices/pci0000:00/0000:00:04.0/uevent
sed -i 's/^PCI_CLASS=.*/PCI_CLASS=1000000/' sys/devices/pci0000:00/0000:00:05.0/uevent
