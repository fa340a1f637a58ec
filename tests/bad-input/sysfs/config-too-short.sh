# A config space of 3 bytes: no header type, no revision; the listing says unknown.
printf 'abc' > sys/devices/pci0000:00/0000:00:04.0/config
