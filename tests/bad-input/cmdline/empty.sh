# An empty file: no parameters, nothing to claim, nothing wrong.
: > proc/cmdline
