# driver_override with a NUL byte in it.
echo 'initbind.claim=00:04.0' > proc/cmdline
printf 'vfio-pci\000e1000\n' > sys/devices/pci0000:00/0000:00:04.0/driver_override
