# SR-IOV counts the kernel never prints: negative, and beyond 32 bits. The boot path reads them
# only for functions it would claim, so the storage controller is claimed with allow=storage.
echo 'initbind.claim=00:04.0' > proc/cmdline
mkdir -p etc
echo 'claim 0000:00:05.0 allow=storage' > etc/initbind.conf
echo -5 > sys/devices/pci0000:00/0000:00:04.0/sriov_totalvfs
echo 8 > sys/devices/pci0000:00/0000:00:05.0/sriov_totalvfs
echo 4294967296 > sys/devices/pci0000:00/0000:00:05.0/sriov_numvfs
