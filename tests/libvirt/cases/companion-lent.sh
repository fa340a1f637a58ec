# shellcheck shell=sh
# 'unbind-for-guests' in the config lets a guest take the audio function with the GPU: the group is claimed
# (both unbound from their host drivers). The fixture cannot bind vfio-pci, so the claim fails,
# is rolled back, and nothing is recorded.
machine
config 'unbind-for-guests 0000:00:02.1'
hook gpu-guest prepare begin gpu-slot2.xml
