#!/usr/bin/env bash
# Instructions per call of the JavaScript package, JavaScript and WebAssembly
# together (garbage collection included), counted by callgrind: the same
# count to 0.01% from run to run, where times on this shared machine move by
# 5% or more. For deciding between two builds of the module, not for CI:
#
#     speed/instructions.sh MODULE.wasm [SRC_DIR]     # SRC_DIR: another js/src
#
# V8 runs predictably: one thread, fixed seeds, WebAssembly compiled by
# TurboFan at once (no Liftoff tier whose switch-over point would vary).
# The count is (2,000 calls - 0 calls) / 2,000, so start-up cancels out.
# Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")"
[ $# -ge 1 ] || { echo "usage: speed/instructions.sh MODULE.wasm [SRC_DIR]" >&2; exit 2; }
wasm=$(realpath "$1")
src=${2:+$(realpath "$2")}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        node --predictable --no-liftoff --random-seed=1 --hash-seed=1 \
        instructions.mjs "$wasm" "$1" "$2" $src 2>&1 |
        awk '/Collected/ { print $4 }'
}
for op in header widget verify; do
    none=$(count "$op" 0)
    many=$(count "$op" 2000)
    echo "$op: $(( (many - none) / 2000 )) instructions per call"
done
