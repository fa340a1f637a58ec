# shellcheck shell=sh
# Sourced in a copied fixture machine: on_vfio ADDRESS... puts each function on vfio-pci as the
# kernel shows a claimed device (driver link, DRIVER= in uevent, driver_override), with the files
# that vfio-pci's driver directory and the PCI bus have, so a release can write to them.
on_vfio() {
        mkdir -p sys/bus/pci/drivers/vfio-pci
        : > sys/bus/pci/drivers/vfio-pci/bind
        : > sys/bus/pci/drivers/vfio-pci/unbind
        : > sys/bus/pci/drivers_probe
        for address in "$@"; do
                dev=$(cd "sys/bus/pci/devices/$address" && pwd -P)
                rm -f "$dev/driver"
                ln -s ../../../bus/pci/drivers/vfio-pci "$dev/driver"
                sed -i 's/^DRIVER=.*/DRIVER=vfio-pci/' "$dev/uevent"
                echo vfio-pci > "$dev/driver_override"
        done
}
