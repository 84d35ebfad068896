#!/usr/bin/env bash
# Builds the C ABI, compiles test.c against the committed header with
# -Wall -Wextra -Werror, and runs it under valgrind (leaks and invalid
# accesses are errors) against the shared library, then linked statically.
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=target/ffi-c-test
mkdir -p "$OUT"
cargo build --quiet --release -p ticketmatic-sign-ffi
LIB=target/release
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Iffi/include)
gcc "${CFLAGS[@]}" ffi/tests/c/test.c -o "$OUT/test-shared" -L"$LIB" -lticketmatic_sign
gcc "${CFLAGS[@]}" ffi/tests/c/test.c -o "$OUT/test-static" "$LIB/libticketmatic_sign.a" -lm -ldl -lpthread
VALGRIND=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
LD_LIBRARY_PATH=$LIB "${VALGRIND[@]}" "$OUT/test-shared"
"${VALGRIND[@]}" "$OUT/test-static"
