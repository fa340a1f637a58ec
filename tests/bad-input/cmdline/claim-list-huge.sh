# 300000 bad initbind.claim= entries, then a good one: the first problems are shown, then their count.
awk 'BEGIN { printf "initbind.claim="; for (i = 0; i < 300000; i++) printf "x%d,", i; print "00:04.0" }' > proc/cmdline
