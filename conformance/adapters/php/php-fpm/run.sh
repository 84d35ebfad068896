#!/usr/bin/env bash
# The PHP wrapper where PHP sites run: Debian's php-fpm with PHP's default
# ffi.enable=preload, answering a FastCGI request (cgi-fcgi, libfcgi-bin)
# for page.php. Checks the widget URL it signs (HMAC by Python's hmac) and
# its verdicts on a good and a tampered header. Loopback only; stops the
# server on exit. Needs target/ffi/libticketmatic_sign.so (ffi/tests/c/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
ROOT=$PWD
HERE=$ROOT/conformance/adapters/php/php-fpm
OUT=$ROOT/target/php-fpm
FPM=$(ls /usr/sbin/php-fpm* | head -1)
mkdir -p "$OUT"
php "$HERE/preload-header.php" ffi/include/ticketmatic_sign.h target/ffi/libticketmatic_sign.so \
    > "$OUT/ticketmatic_sign.ffi.h"

# The settings a PHP site adds (README.md); ffi.enable stays at its default.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$OUT/php.ini" <<INI
opcache.enable=1
opcache.preload=$ROOT/conformance/adapters/php/TicketmaticSign.php
opcache.preload_user=root
ffi.preload=$OUT/ticketmatic_sign.ffi.h
INI
cat > "$OUT/fpm.conf" <<CONF
[global]
error_log = $OUT/fpm.log
daemonize = no
[www]
listen = 127.0.0.1:$PORT
pm = static
pm.max_children = 2
catch_workers_output = yes
CONF
# -R: CI runs as root, and the workers with it.
"$FPM" -R -c "$OUT/php.ini" -y "$OUT/fpm.conf" &
fpm=$!
trap 'kill $fpm 2>/dev/null; wait $fpm 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
    sleep 0.1
done
php -r 'echo ini_get("ffi.enable"), "\n";' | grep -qx preload  # PHP's default, untouched

request() {
    SCRIPT_FILENAME=$HERE/page.php REQUEST_METHOD=GET QUERY_STRING=$1 \
        cgi-fcgi -bind -connect "127.0.0.1:$PORT" | tr -d '\r' | sed '1,/^$/d'
}
header='TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590'
query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"header": sys.argv[1], "now": 1501346446}))' "$header")
tampered=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"header": sys.argv[1], "now": 1501346446}))' "${header/16:40:46/16:40:47}")
signature=$(python3 -c 'import hashlib, hmac
print(hmac.new(b"qsdfghjklm", b"azertyuiopmyaccountnameevent123", hashlib.sha256).hexdigest())')
expected="https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&accesskey=azertyuiop&signature=$signature
header: valid"
got=$(request "$query")
[ "$got" = "$expected" ] || { echo "php-fpm answered:"; echo "$got"; echo "expected:"; echo "$expected"; tail "$OUT/fpm.log"; exit 1; } >&2
got=$(request "$tampered" | tail -1)
[ "$got" = "header: refused (32)" ] \
    || { echo "php-fpm answered '$got' for a tampered header, not refused (32: TM_SIGNATURE_MISMATCH)"; exit 1; } >&2
echo "php-fpm ($("$FPM" -v | head -1 | cut -d' ' -f1-2), ffi.enable=preload): page.php signs the documented widget URL and verifies a header (valid; tampered: TM_SIGNATURE_MISMATCH)"
