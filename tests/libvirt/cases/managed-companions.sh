# shellcheck shell=sh
# managed='yes': the hook claimed the GPU and its audio companion at prepare begin. At stopped end
# libvirt has not reattached the GPU yet (it does that next): the hook gives back the companion
# only and keeps the record. libvirt reattaches the GPU; at release end the companion is on its
# host driver already, the GPU too: nothing more to do, the record is removed.
machine
on_vfio 0000:00:02.0 0000:00:02.1
record win10 'claimed 0000:00:02.0 managed
claimed 0000:00:02.1'
hook win10 stopped end gpu-managed.xml
on_host snd_hda_intel 0000:00:02.1
on_host bochs-drm 0000:00:02.0
hook win10 release end gpu-managed.xml
