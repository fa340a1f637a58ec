# Sourced in a copied fixture machine: the state the initramfs sees before udev, where only
# built-in drivers (pcieport here: everything else in Debian's kernel is a module) are bound.
for link in sys/devices/pci*/*/driver sys/devices/pci*/*/*/driver sys/devices/pci*/*/*/*/driver; do
        [ -L "$link" ] || continue
        case "$(readlink "$link")" in
        */pcieport) ;;
        *)
                rm "$link"
                sed -i '/^DRIVER=/d' "${link%/driver}/uevent"
                ;;
        esac
done
