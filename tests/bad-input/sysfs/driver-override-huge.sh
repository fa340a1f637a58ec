# A driver_override of 100 kB (the kernel keeps at most a page): taken as not set, and overwritten.
echo 'initbind.claim=00:04.0' > proc/cmdline
head -c 100000 /dev/zero | tr '\000' x > sys/devices/pci0000:00/0000:00:04.0/driver_override
