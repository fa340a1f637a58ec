# The console GPU's boot_vga reads 2: in doubt it is the console, and a claim by ID leaves it alone.
mkdir -p etc && echo 'claim id=1234:1111' > etc/initbind.conf
echo 2 > sys/devices/pci0000:00/0000:00:01.0/boot_vga
