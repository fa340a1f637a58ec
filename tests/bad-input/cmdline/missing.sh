# No /proc/cmdline at all: nothing is claimed, as initbind=off cannot be ruled out.
mkdir -p etc && echo "claim 0000:00:04.0" > etc/initbind.conf
rm proc/cmdline
