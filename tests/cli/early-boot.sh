# shellcheck shell=sh
# Sourced in a copied fixture machine: the state the initramfs sees before udev, where only
# built-in drivers (pcieport here: everything else in Debian's kernel is a module) are bound.
# Any depth below sys/devices/pci*: the generated machines have switches four bridges deep.
find sys/devices -path 'sys/devices/pci*' -name driver -type l | while read -r link; do
        case "$(readlink "$link")" in
        */pcieport) ;;
        *)
                rm "$link"
                sed -i '/^DRIVER=/d' "${link%/driver}/uevent"
                ;;
        esac
done
