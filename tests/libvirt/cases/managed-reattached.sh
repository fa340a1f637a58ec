# shellcheck shell=sh
# A failed start of a managed='yes' guest after libvirt had detached and reattached the GPU: at
# release end the GPU is back on its host driver, its audio companion still on vfio-pci. The
# companion goes back all the same (the old hook said "not claimed" and left it on vfio-pci).
machine
on_vfio 0000:00:02.1
record win10 'claimed 0000:00:02.0 managed
claimed 0000:00:02.1'
hook win10 release end gpu-managed.xml
