#!/usr/bin/env zsh
# Completes one command line in a real interactive zsh (in a pseudo-terminal, zsh/zpty) with
# compinit and the completion in COMPLETION_DIR, and prints the matches zsh offers, sorted.
#
#   zsh-complete.zsh COMPLETION_DIR "COMMAND LINE"
#
# Each match is captured by wrapping compadd (the builtin every completion function ends in):
# the wrapper asks the builtin which of its words match (-A) and prints them, then adds them.
emulate -L zsh
zmodload zsh/zpty

dir=$1 line=$2
zpty z zsh -f -i
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'PS1= PROMPT= RPROMPT=; unsetopt zle_bracketed_paste 2>/dev/null; zstyle ":completion:*" list-prompt ""'
zpty -w z 'compadd() { local -a __m; builtin compadd -A __m "$@"; local m; for m in $__m; do print -r -- "MATCH:$m"; done; builtin compadd "$@" }'
zpty -w z 'comppostfuncs=( __done ); __done() { print -r -- "COMPLETION-DONE" }'
zpty -w z 'print -r -- READY'
zpty -r z out '*READY*READY*' >/dev/null   # the echoed command, then its output
zpty -n -w z "$line"$'\t'
zpty -r z out '*COMPLETION-DONE*' || { print -u2 "no completion finished for: $line"; exit 1 }
zpty -d z
print -r -- "$out" | tr -d '\r' | sed -n 's/.*MATCH://p' | sort -u
