# The vfio modules, written once: the hooks (configure_file, @VFIO_MODULES_*@) put them in every
# initramfs image, and the binder's loader (vfio_modules.h) loads the two it names itself.
#
# vfio-pci has no pci: alias, so udev never loads it for an overridden device, and
# vfio_iommu_type1 is only a softdep of vfio: initbind loads both. The optional ones exist on some
# kernels only (vfio-pci-core since 5.15, vfio_virqfd until 6.2, irqbypass when not built in);
# a hook adds each where it is a module of the target kernel.
set(VFIO_PCI_MODULE vfio-pci)
set(VFIO_IOMMU_MODULE vfio_iommu_type1)
set(INITBIND_VFIO_MODULES_REQUIRED vfio ${VFIO_IOMMU_MODULE} ${VFIO_PCI_MODULE})
set(INITBIND_VFIO_MODULES_OPTIONAL vfio-pci-core vfio_virqfd irqbypass)

# Space-separated, for the shell hooks.
list(JOIN INITBIND_VFIO_MODULES_REQUIRED " " VFIO_MODULES_REQUIRED)
list(JOIN INITBIND_VFIO_MODULES_OPTIONAL " " VFIO_MODULES_OPTIONAL)
set(VFIO_MODULES "${VFIO_MODULES_REQUIRED} ${VFIO_MODULES_OPTIONAL}")
