# shellcheck shell=sh
# The console GPU (single quotes, managed='no'): refused, nothing written.
machine
hook console-guest prepare begin console-gpu.xml
