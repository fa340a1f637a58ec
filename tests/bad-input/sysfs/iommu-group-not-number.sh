# The iommu_group link ends in something that is not a group number: taken as no group, not claimed.
echo 'initbind.claim=00:04.0,00:05.0' > proc/cmdline
ln -sfn ../../../kernel/iommu_groups/4x sys/devices/pci0000:00/0000:00:04.0/iommu_group
ln -sfn ../../../kernel/iommu_groups/99999999999999999999 sys/devices/pci0000:00/0000:00:05.0/iommu_group
