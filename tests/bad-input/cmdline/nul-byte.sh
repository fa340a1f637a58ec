# A NUL byte in the middle (the kernel never writes one): the rest is not read.
printf "initbind.claim=00:04.0\000 vfio-pci.ids=1234:1111\n" > proc/cmdline
