#!/bin/sh
# Files short enough to read in one sitting: no file of lib/, initbind/, cmdlinegen/, hooks/ or
# dracut/ is longer than 500 lines. Every file git tracks there counts, and every new one it would
# track (untracked, not ignored), so a file fails before it is committed. Run from ctest (lint/size).
#
# The other half of the rule, no function longer than 80 lines, is clang-tidy's
# readability-function-size (.clang-tidy), checked by tools/lint/check-tidy.sh (lint/tidy) against
# tools/lint/size-known.txt.
set -eu
cd "$(dirname "$0")/../.."
limit=500

count=0
status=0
for file in $(git ls-files --cached --others --exclude-standard lib initbind cmdlinegen hooks dracut); do
        [ -f "$file" ] || continue # deleted in the work tree, not yet in the index
        count=$((count + 1))
        lines=$(wc -l <"$file")
        if [ "$lines" -gt $limit ]; then
                echo "$file: $lines lines, more than $limit: split it (one job per file)"
                status=1
        fi
done
[ $status -eq 0 ] && echo "check-size: $count files of at most $limit lines"
exit $status
