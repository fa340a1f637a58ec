# shellcheck shell=sh
# Domain XML the hook cannot read: the start is stopped, naming the input, the line and what is
# wrong; nothing is claimed.
machine
hook bad prepare begin bad-bus.xml
hook incomplete prepare begin no-source-address.xml
hook broken prepare begin malformed.xml
hook entities prepare begin doctype-entities.xml
hook network prepare begin not-a-domain.xml
