# shellcheck shell=sh
# A record that is not the hook's format: prepare begin of another guest cannot tell what it holds
# and refuses; release end of its own guest gives back nothing rather than a guess.
machine
on_vfio 0000:00:02.0 0000:00:02.1
record win10 'claimed 0000:00:02.0 always'
hook other prepare begin audio-only.xml
hook win10 release end gpu-and-audio.xml
