# shellcheck shell=sh
# Two hostdevs: the NIC could be claimed, the console GPU cannot. Every hostdev is checked before
# any is touched: the NIC's host driver is not unbound either.
machine
hook two-devices prepare begin nic-and-gpu.xml
