#!/usr/bin/env bash
# Builds the C ABI, compiles test.c against the committed header with
# -Wall -Wextra -Werror, and runs it under valgrind (leaks and invalid
# accesses are errors) against the shared library, then linked statically.
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=target/ffi-c-test
mkdir -p "$OUT"
cargo build --quiet --profile ffi -p ticketmatic-sign-ffi
LIB=target/ffi
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Iffi/include)
gcc "${CFLAGS[@]}" ffi/tests/c/test.c -o "$OUT/test-shared" -L"$LIB" -lticketmatic_sign
gcc "${CFLAGS[@]}" ffi/tests/c/test.c -o "$OUT/test-static" "$LIB/libticketmatic_sign.a" -lm -ldl -lpthread
VALGRIND=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
LD_LIBRARY_PATH=$LIB "${VALGRIND[@]}" "$OUT/test-shared"
"${VALGRIND[@]}" "$OUT/test-static"

# The README's example, as written there: it must compile and print the
# documented URL (the signature of these two parameters, by SPEC 3).
python3 - ffi/README.md "$OUT/readme.c" <<'PY'
import re, sys
blocks = re.findall(r"```c\n(.*?)```", open(sys.argv[1]).read(), re.S)
open(sys.argv[2], "w").write(blocks[0])
PY
gcc "${CFLAGS[@]}" "$OUT/readme.c" -o "$OUT/readme" -L"$LIB" -lticketmatic_sign
url=$(LD_LIBRARY_PATH=$LIB "${VALGRIND[@]}" "$OUT/readme")
expected_signature=$(python3 -c 'import hashlib, hmac
print(hmac.new(b"qsdfghjklm", b"azertyuiopmyaccountnameevent123", hashlib.sha256).hexdigest())')
expected="https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&accesskey=azertyuiop&signature=$expected_signature"
[ "$url" = "$expected" ] || { echo "ffi/README.md's example printed $url, not $expected" >&2; exit 1; }
echo "ffi/README.md's example compiles and prints the documented URL"
python3 ffi/tests/parity.py target/ffi/libticketmatic_sign.so
