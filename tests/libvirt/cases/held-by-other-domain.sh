# shellcheck shell=sh
# Guest win10 runs with the GPU and its audio function, which the hook claimed for it. Guest
# 'other' names the audio function: libvirt runs prepare begin before its own "in use" check, so
# the hook refuses it and touches nothing; the release end libvirt runs after the failed start
# gives nothing back (other has no record), and win10's record and devices stay.
machine
on_vfio 0000:00:02.0 0000:00:02.1
record win10 'claimed 0000:00:02.0
claimed 0000:00:02.1'
hook other prepare begin audio-only.xml
hook other release end audio-only.xml
show run/initbind/libvirt/win10.record
