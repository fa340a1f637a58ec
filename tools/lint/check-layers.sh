#!/bin/sh
# The layers of lib/ link only downward (lib/CMakeLists.txt): shared <- parse <- host <- policy.
# The build already fails on an include of a higher layer's header, because a layer's include path
# holds only its own folder and those below; this check says it in words, and also catches a header
# of a program (initbind/, cmdlinegen/) included from lib/, and a file that sits in lib/ but in no
# layer. Run from ctest (lint/layers).
set -eu
cd "$(dirname "$0")/../.."
layers="shared parse host policy"
status=0

rank() {
        i=0
        for l in $layers; do
                [ "$l" = "$1" ] && { echo $i; return; }
                i=$((i + 1))
        done
        echo -1
}

for file in $(git ls-files 'lib/*.c' 'lib/*.h'); do
        layer=$(echo "$file" | cut -d/ -f2)
        own=$(rank "$layer")
        if [ "$own" -lt 0 ]; then
                echo "$file: in lib/ but in none of the layers ($layers)"
                status=1
                continue
        fi
        # shellcheck disable=SC2013 # header names hold no blanks: words are lines
        for header in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file"); do
                # A header CMake generates (configure_file) is its .in in the source tree.
                found=$(git ls-files "lib/*/$header" "lib/*/$header.in" | head -n1)
                if [ -z "$found" ]; then
                        echo "$file: includes $header, which is in no layer of lib/"
                        status=1
                        continue
                fi
                theirs=$(rank "$(echo "$found" | cut -d/ -f2)")
                if [ "$theirs" -gt "$own" ]; then
                        echo "$file: includes $found from the higher layer $(echo "$found" | cut -d/ -f2)"
                        status=1
                fi
        done
done
[ $status -eq 0 ] && echo "check-layers: every include in lib/ points to its own layer or one below ($layers)"
exit $status
