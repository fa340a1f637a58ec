# shellcheck shell=sh
# A single-GPU host: the config lends the console GPU and its audio function to guests, so the
# hook takes them (the fixture cannot bind vfio-pci: the claim is rolled back). Without those
# lines, console-refused.sh.
machine
config 'unbind-for-guests 0000:00:01.0
unbind-for-guests 0000:00:01.1'
hook console-guest prepare begin console-gpu.xml
