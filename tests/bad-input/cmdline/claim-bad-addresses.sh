# initbind.claim= with a function 8, a non-hex digit, a domain above 16 bits, an empty entry and one good address.
echo "intel_iommu=on initbind.claim=0000:00:02.8,00:1g.0,10000:00:02.0,,00:04.0" > proc/cmdline
