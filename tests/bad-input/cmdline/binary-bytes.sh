# Control characters and bytes that are not text: quoted escaped in the messages.
printf "vfio-pci.ids=\377\376\001 initbind.claim=\033[31m00:04.0\n" > proc/cmdline
