<?php
// A page as a PHP site has it, under php-fpm with PHP's default
// ffi.enable=preload: a signed widget URL, and the verdict on a request's
// Authorization header. TicketmaticSign.php is preloaded (opcache.preload),
// the library's header too (ffi.preload): see README.md beside this file.
//
// GET ?header=...&now=...  (the demo keys of Ticketmatic's documentation)

declare(strict_types=1);

header('Content-Type: text/plain; charset=utf-8');
$tm = TicketmaticSign::scope();

$widgets = new Signer($tm, 'azertyuiop', 'qsdfghjklm', 'myaccountname');
echo $widgets->widgetUrl('addtickets', [['event', '123'], ['l', 'fr']]), "\n";

// A server verifying a request: one key pair it knows, xyz / xyz.
$verifier = new HeaderVerifier($tm, fn (string $key): ?string => $key === 'xyz' ? 'xyz' : null);
$code = $verifier->verify((string) ($_GET['header'] ?? ''), 'ticketmatic', (int) ($_GET['now'] ?? time()));
echo $code === 0 ? 'header: valid' : "header: refused ($code)", "\n";
