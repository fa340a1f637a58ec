# SR-IOV counts the kernel never prints: negative, and beyond 32 bits.
echo 'initbind.claim=00:04.0,00:05.0' > proc/cmdline
echo -5 > sys/devices/pci0000:00/0000:00:04.0/sriov_totalvfs
echo 8 > sys/devices/pci0000:00/0000:00:05.0/sriov_totalvfs
echo 4294967296 > sys/devices/pci0000:00/0000:00:05.0/sriov_numvfs
