<?php
// PHP: hash_hmac and rawurlencode against the C ABI through FFI
// (conformance/adapters/php/TicketmaticSign.php), on speed/workload.json.
// Prints one JSON line per measurement; speed/run.sh makes the table.

declare(strict_types=1);

$root = dirname(__DIR__);
require "$root/conformance/adapters/php/TicketmaticSign.php";

$w = json_decode(file_get_contents(__DIR__ . '/workload.json'), true, 512, JSON_THROW_ON_ERROR);
[$KEY, $SECRET, $ACCOUNT] = [$w['access_key'], $w['secret_key'], $w['account']];
$PARAMS = $w['params'];
$QUERY = $w['return_query'];
$T = $w['unix_time'];
$WIDGET = $w['widget'];
$BATCH_NS = (float) (getenv('SPEED_BATCH_MS') ?: 100) * 1e6;

// ----- what a PHP developer writes with the standard library ----------------------

function canonical(array $pairs): string
{
    $signed = array_values(array_filter($pairs, fn ($p) => $p[0] !== 'l' && $p[0] !== 'ordercode'));
    // strcmp: byte-wise, as the SPEC orders names (ksort would compare numeric names as numbers).
    usort($signed, fn ($a, $b) => strcmp($a[0], $b[0]));
    return implode('', array_map(fn ($p) => $p[0] . $p[1], $signed));
}

$stdHeader = function (int $t) use ($KEY, $SECRET, $ACCOUNT): string {
    $ts = gmdate('Y-m-d\TH:i:s', $t);
    return "TM-HMAC-SHA256 key=$KEY ts=$ts sign=" . hash_hmac('sha256', $KEY . $ACCOUNT . $ts, $SECRET);
};

$stdWidgetUrl = function (string $widget, array $params) use ($KEY, $SECRET, $ACCOUNT): string {
    $query = '';
    foreach ($params as [$n, $v]) {
        $query .= rawurlencode($n) . '=' . rawurlencode($v) . '&';
    }
    $signature = hash_hmac('sha256', $KEY . $ACCOUNT . canonical($params), $SECRET);
    return "https://apps.ticketmatic.com/widgets/$ACCOUNT/$widget?{$query}accesskey=" . rawurlencode($KEY) . "&signature=$signature";
};

$stdVerify = function (string $query) use ($KEY, $SECRET, $ACCOUNT): bool {
    // Not parse_str: it mangles names (dots, brackets); explode + urldecode reads them as sent.
    $params = [];
    foreach (explode('&', $query) as $pair) {
        [$n, $v] = array_pad(explode('=', $pair, 2), 2, '');
        $params[urldecode($n)] = urldecode($v);
    }
    $given = $params['signature'] ?? '';
    if (($params['accesskey'] ?? null) !== $KEY) {
        return false;
    }
    unset($params['signature'], $params['accesskey']);
    $pairs = [];
    foreach ($params as $n => $v) {
        $pairs[] = [(string) $n, $v];
    }
    return hash_equals(hash_hmac('sha256', $KEY . $ACCOUNT . canonical($pairs), $SECRET), $given);
};

// ----- the binding ----------------------------------------------------------------

$tm = new TicketmaticSign("$root/ffi/include/ticketmatic_sign.h", getenv('TM_SIGN_LIB') ?: "$root/target/ffi/libticketmatic_sign.so");
$signer = new Signer($tm, $KEY, $SECRET, $ACCOUNT);
$bindingVerify = fn (string $q): bool => $signer->verifyReturnUrl($q) === 0;

/** Median ns per call over 5 batches of about $batchNs each. */
function measure(callable $fn, float $batchNs): float
{
    for ($n = 1;; $n *= 2) {
        $start = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            $fn();
        }
        if (hrtime(true) - $start >= $batchNs) {
            break;
        }
    }
    $batches = [];
    for ($b = 0; $b < 5; $b++) {
        $start = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            $fn();
        }
        $batches[] = (hrtime(true) - $start) / $n;
    }
    sort($batches);
    return $batches[2];
}

function same($a, $b): void
{
    if ($a !== $b) {
        fwrite(STDERR, "php: the two implementations differ:\n  " . var_export($a, true) . "\n  " . var_export($b, true) . "\n");
        exit(1);
    }
}

same($stdHeader($T), $signer->authorization($T));
same($stdWidgetUrl($WIDGET, $PARAMS), $signer->widgetUrl($WIDGET, $PARAMS));
same([$stdVerify($QUERY), $bindingVerify($QUERY)], [true, true]);
$tampered = str_replace('2715', '2716', $QUERY);
same([$stdVerify($tampered), $bindingVerify($tampered)], [false, false]);

$ops = [
    'header' => [fn () => $stdHeader($T), fn () => $signer->authorization($T)],
    'widget URL, 10 parameters' => [fn () => $stdWidgetUrl($WIDGET, $PARAMS), fn () => $signer->widgetUrl($WIDGET, $PARAMS)],
    'return-URL check' => [fn () => $stdVerify($QUERY), fn () => $bindingVerify($QUERY)],
];
foreach ($ops as $op => [$std, $binding]) {
    foreach (['stdlib' => $std, 'binding' => $binding] as $impl => $fn) {
        echo json_encode(['language' => 'PHP ' . PHP_VERSION, 'binding' => 'C ABI through FFI', 'op' => $op, 'impl' => $impl, 'ns' => measure($fn, $BATCH_NS)]), "\n";
    }
}
