# shellcheck shell=sh
# A storage controller (no mode attribute: libvirt's default is subsystem): refused.
machine
hook disk-guest prepare begin storage.xml
