# numa_node beyond 64 bits, and -2 (the kernel's only negative value is -1).
echo 99999999999999999999999 > sys/devices/pci0000:00/0000:00:04.0/numa_node
echo -2 > sys/devices/pci0000:00/0000:00:05.0/numa_node
