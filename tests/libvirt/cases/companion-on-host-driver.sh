# shellcheck shell=sh
# The domain names the GPU only; its audio function shares IOMMU group 2 and is on its host
# driver. libvirt's managed mode would not take it either: refused, nothing written, the start
# stopped with the fix in the message. The host address is the one in <source>, not the guest's
# bus 0x07, not the USB device, not the hostdev in the comment.
machine
hook gpu-guest prepare begin gpu-slot2.xml
# libvirt then runs release end: there is no record, so nothing is given back.
hook gpu-guest release end gpu-slot2.xml
