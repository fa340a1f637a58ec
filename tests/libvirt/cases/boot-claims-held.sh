# shellcheck shell=sh
# Devices /etc/initbind.conf claimed at boot (on vfio-pci before the hook runs): the guest may
# start, they are recorded as held, and release end gives nothing back (no write to vfio-pci's
# unbind, no override cleared): the boot's claims stay. Decimal, octal and hex numbers, spaces
# around '=', no mode attribute.
machine
config 'claim 0000:00:02.0'
on_vfio 0000:00:02.0 0000:00:02.1
hook numbers prepare begin numbers-decimal-octal.xml
hook numbers started begin numbers-decimal-octal.xml
hook numbers stopped end numbers-decimal-octal.xml
hook numbers release end numbers-decimal-octal.xml
