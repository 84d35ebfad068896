<?php
// Writes the header php-fpm preloads (ffi.preload): the C ABI's declarations
// with FFI_SCOPE and FFI_LIB. Run once per install, on the command line:
//
//     php preload-header.php ffi/include/ticketmatic_sign.h /usr/local/lib/libticketmatic_sign.so > ticketmatic_sign.ffi.h

declare(strict_types=1);

require dirname(__DIR__) . '/TicketmaticSign.php';

if ($argc !== 3) {
    fwrite(STDERR, "usage: php preload-header.php HEADER SHARED_LIBRARY > OUT\n");
    exit(2);
}
echo TicketmaticSign::preloadHeader($argv[1], realpath($argv[2]) ?: $argv[2]);
