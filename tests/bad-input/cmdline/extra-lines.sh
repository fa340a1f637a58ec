# Text after the line break that ends the line: not part of the command line.
printf "console=ttyS0\ninitbind.claim=00:04.0\n" > proc/cmdline
