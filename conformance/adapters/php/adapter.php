<?php
// A tm-conformance/1 adapter over the C ABI (ffi/), through PHP's FFI
// extension: the kit checks the shared library as PHP code uses it.
// TicketmaticSign.php beside it is the short example of embedding the
// library in PHP; this file is the protocol.
//
//     cargo build --profile ffi -p ticketmatic-sign-ffi
//     tm conformance run -- php conformance/adapters/php/adapter.php
//
// TM_SIGN_LIB names the shared library (default: target/ffi/libticketmatic_sign.so
// of this repository), TM_SIGN_HEADER the header (default: ffi/include/ticketmatic_sign.h).

declare(strict_types=1);

$root = dirname(__DIR__, 3);
$lib = getenv('TM_SIGN_LIB') ?: "$root/target/ffi/libticketmatic_sign.so";
$header = getenv('TM_SIGN_HEADER') ?: "$root/ffi/include/ticketmatic_sign.h";

require __DIR__ . '/TicketmaticSign.php';

$tm = new TicketmaticSign($header, $lib);
$ffi = $tm->ffi;
$verdicts = [
    $ffi->TM_BAD_ACCESS_KEY => 'bad_access_key',
    $ffi->TM_SIGNATURE_MISSING => 'signature_missing',
    $ffi->TM_SIGNATURE_MISMATCH => 'signature_mismatch',
];

$headerVerdicts = [
    0 => null,
    $ffi->TM_MALFORMED_AUTHORIZATION => 'malformed',
    $ffi->TM_UNKNOWN_ACCESS_KEY => 'unknown_access_key',
    $ffi->TM_SIGNATURE_MISMATCH => 'signature_mismatch',
    $ffi->TM_TIMESTAMP_OUTSIDE_WINDOW => 'timestamp_outside_window',
];

$kinds = [
    'authorization' => function (array $c) use ($tm, $ffi): array {
        $signer = new Signer($tm, $c['access_key'], $c['secret_key'], $c['account']);
        if (isset($c['unix_time'])) {
            $unix = $c['unix_time'];
        } else {
            $out = $ffi->new('int64_t');
            $error = $ffi->new('tm_error');
            if ($ffi->tm_timestamp_parse($c['timestamp'], strlen($c['timestamp']), FFI::addr($out), FFI::addr($error)) !== 0) {
                throw new Refused($error->code, FFI::string($error->message, $error->message_len));
            }
            $unix = $out->cdata;
        }
        if (!is_int($unix)) {
            throw new Refused(0, 'unix_time: outside the range of a 64-bit integer');
        }
        $header = $signer->authorization($unix);
        return [
            'timestamp' => substr(explode(' ', $header)[2], 3),
            'header' => $header,
            'payload' => $signer->authorizationPayload($unix),
        ];
    },
    'widget' => function (array $c) use ($tm): array {
        $signer = new Signer($tm, $c['access_key'], $c['secret_key'], $c['account']);
        return [
            'signature' => $signer->widgetSignature($c['params']),
            'url' => $signer->widgetUrl($c['widget'], $c['params']),
            'payload' => $signer->widgetPayload($c['params']),
        ];
    },
    'return_url' => function (array $c) use ($tm, $verdicts): array {
        $signer = new Signer($tm, $c['access_key'], $c['secret_key'], $c['account']);
        $code = $signer->verifyReturnUrl($c['query']);
        $payload = $signer->returnUrlPayload($c['query']);
        return $code === 0
            ? ['valid' => true, 'payload' => $payload]
            : ['valid' => false, 'error_kind' => $verdicts[$code], 'payload' => $payload];
    },
    'authorization_check' => function (array $c) use ($tm, $headerVerdicts): array {
        $verifier = new HeaderVerifier($tm, fn (string $key) => $key === $c['access_key'] ? $c['secret_key'] : null);
        if (!is_int($c['now_unix']) || !is_int($c['window_secs']) || $c['window_secs'] < 0 || $c['window_secs'] > 0xFFFFFFFF) {
            throw new Refused(0, 'now_unix or window_secs: outside what the C ABI takes');
        }
        $code = $verifier->verify($c['header'], $c['account'], $c['now_unix'], $c['window_secs']);
        return $code === 0 ? ['valid' => true] : ['valid' => false, 'error_kind' => $headerVerdicts[$code]];
    },
];

$json = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
while (($line = fgets(STDIN)) !== false) {
    $message = json_decode($line, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
    if ($message['cmd'] === 'stop') {
        break;
    }
    if ($message['cmd'] === 'start' && ($message['protocol'] ?? '') !== 'tm-conformance/1') {
        fwrite(STDERR, "adapter: speaks tm-conformance/1, not " . json_encode($message['protocol'] ?? null) . "\n");
        exit(2);
    }
    if ($message['cmd'] !== 'start' && $message['cmd'] !== 'run') {
        fwrite(STDERR, 'adapter: unknown command ' . json_encode($message['cmd']) . "\n");
        exit(2);
    }
    if ($message['cmd'] === 'start') {
        $answer = [
            'implementation' => [
                'name' => 'ticketmatic-sign C ABI ' . $ffi->tm_version() . ' (PHP FFI)',
                'language' => 'PHP',
                'version' => PHP_VERSION,
            ],
            'kinds' => array_keys($kinds),
        ];
    } else {
        try {
            $output = $kinds[$message['case']['kind']]($message['case']);
            // Bytes that are not UTF-8 cannot be a JSON string (json_encode
            // throws on them): they travel as payload_hex (PROTOCOL.md).
            if (isset($output['payload']) && preg_match('//u', $output['payload']) !== 1) {
                $output['payload_hex'] = bin2hex($output['payload']);
                unset($output['payload']);
            }
            $answer = ['seq' => $message['seq'], 'output' => $output];
        } catch (Refused $e) {
            $answer = ['seq' => $message['seq'], 'refused' => $e->getMessage()];
        }
    }
    fwrite(STDOUT, json_encode($answer, $json) . "\n");
    fflush(STDOUT);
}
