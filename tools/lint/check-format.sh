#!/bin/sh
# Every C file git tracks is as clang-format (.clang-format at the top) writes it.
# Run from ctest (lint/format); "clang-format -i FILE" fixes what it names.
set -eu
cd "$(dirname "$0")/../.."
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror
echo "check-format: $(git ls-files '*.c' '*.h' | wc -l) files as clang-format writes them"
