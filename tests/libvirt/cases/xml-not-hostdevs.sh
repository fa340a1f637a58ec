# shellcheck shell=sh
# No PCI hostdev in <devices>: a <hostdev> in <metadata>, in CDATA text, in a comment, a
# mode='capabilities' one, or none at all. Nothing is claimed or written; other operations are
# none of the hook's business.
machine
hook hidden prepare begin metadata-cdata.xml
hook plain prepare begin no-hostdev.xml
hook gpu-guest started begin gpu-slot2.xml
hook gpu-guest migrate begin gpu-slot2.xml
