# shellcheck shell=sh
# release end gives back exactly what the record says was claimed: 0000:00:02.1 and 0000:00:02.0,
# not 0000:00:01.1, which is on vfio-pci too but was the boot's; then the record is gone, and a
# second release end does nothing.
machine
on_vfio 0000:00:01.1 0000:00:02.0 0000:00:02.1
record win10 'claimed 0000:00:02.0
claimed 0000:00:02.1'
hook win10 release end gpu-and-audio.xml
hook win10 release end gpu-and-audio.xml
