#!/bin/sh
# libvirt itself accepts what `cmdlinegen guest` writes: the expected output of every
# tests/cli/cases/guest-*-libvirt case (which cli/guest-* checks the program still prints) is
# put into a complete domain, validated by libvirt's schema (virt-xml-validate) and defined on
# libvirt's test driver (virsh -c test:///default define), which parses it as libvirtd would.
#
#   guest-domains.sh CASES_DIR
set -eu

cases_dir=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-guest-xml.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

for tool in virt-xml-validate virsh; do
        command -v "$tool" > /dev/null || { echo "guest-domains: $tool not found (tools/install-deps.sh installs libvirt-clients)" >&2; exit 1; }
done

checked=0
for case_dir in "$cases_dir"/guest-*-libvirt; do
        [ -f "$case_dir/expected.out" ] || continue
        name=$(basename "$case_dir")
        domain="$work/$name.xml"
        # The minimum around the fragments: a name, an OS, and the fragments as children of <domain>.
        {
                echo "<domain type='kvm'>"
                echo "  <name>$name</name>"
                echo "  <os><type arch='x86_64' machine='q35'>hvm</type></os>"
                sed 's/^/  /' "$case_dir/expected.out"
                echo "</domain>"
        } > "$domain"
        if ! virt-xml-validate "$domain" domain > "$work/validate" 2>&1; then
                echo "$name: libvirt's schema rejects the domain:" >&2
                cat "$work/validate" "$domain" >&2
                exit 1
        fi
        if ! virsh -q -c test:///default define --validate "$domain" > "$work/define" 2>&1; then
                echo "$name: libvirt's test driver does not define the domain:" >&2
                cat "$work/define" "$domain" >&2
                exit 1
        fi
        # What libvirt made of it keeps the pinning and the hostdevs: the XML was read, not skipped.
        virsh -q -c test:///default "define $domain; dumpxml $name" > "$work/dump" 2>&1 || true
        for element in "<vcpupin vcpu='0'" "<emulatorpin" "<memballoon model='none'" "host-passthrough" "<hugepages>"; do
                grep -q "$element" "$work/dump" || { echo "$name: libvirt's dumpxml has no $element:" >&2; cat "$work/dump" >&2; exit 1; }
        done
        checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "guest-domains: no guest-*-libvirt case in $cases_dir" >&2; exit 1; }
echo "guest-domains: $checked domains validated and defined by libvirt"
