<?php
// A tm-conformance/1 adapter over the C ABI (ffi/), through PHP's FFI
// extension: the kit checks the shared library as PHP code would use it,
// and this file is a short example of embedding it in PHP.
//
//     cargo build --release -p ticketmatic-sign-ffi
//     tm conformance run -- php conformance/adapters/php/adapter.php
//
// TM_SIGN_LIB names the shared library (default: target/release/libticketmatic_sign.so
// of this repository), TM_SIGN_HEADER the header (default: ffi/include/ticketmatic_sign.h).

declare(strict_types=1);

$root = dirname(__DIR__, 3);
$lib = getenv('TM_SIGN_LIB') ?: "$root/target/release/libticketmatic_sign.so";
$header = getenv('TM_SIGN_HEADER') ?: "$root/ffi/include/ticketmatic_sign.h";

/** The library, loaded from its header: FFI::cdef takes declarations only. */
final class TicketmaticSign
{
    public FFI $ffi;
    /** @var array<string,int> the header's #define constants */
    public array $constants = [];

    public function __construct(string $header, string $lib)
    {
        $text = file_get_contents($header);
        preg_match_all('/^#define (TM_\w+) (\d+)$/m', $text, $defines, PREG_SET_ORDER);
        foreach ($defines as [, $name, $value]) {
            $this->constants[$name] = (int) $value;
        }
        // Drop the C++ guard and every other preprocessor line; put the
        // array sizes in place of their names.
        $text = preg_replace('/^#ifdef __cplusplus.*?^#endif.*?$/ms', '', $text);
        $text = preg_replace('/^#.*$/m', '', $text);
        $text = strtr($text, array_map('strval', $this->constants));
        $this->ffi = FFI::cdef($text, $lib);
    }
}

/** A refusal by the library: its code and message. */
final class Refused extends Exception
{
    public function __construct(public int $code_, string $message)
    {
        parent::__construct($message);
    }
}

/** One signer for the length of a case; frees itself. */
final class Signer
{
    private $signer;
    private FFI $ffi;

    public function __construct(private TicketmaticSign $tm, string $accessKey, string $secretKey, string $account)
    {
        $this->ffi = $tm->ffi;
        $out = $this->ffi->new('tm_signer*');
        $this->check(fn ($error) => $this->ffi->tm_signer_new(
            $accessKey, strlen($accessKey),
            $this->bytes($secretKey), strlen($secretKey),
            $account, strlen($account),
            null, 0,
            FFI::addr($out), $error,
        ));
        $this->signer = $out;
    }

    public function __destruct()
    {
        if ($this->signer !== null) {
            $this->ffi->tm_signer_free($this->signer);
        }
    }

    /** Calls `$call($error)`; a code other than TM_OK becomes a Refused. */
    private function check(callable $call): void
    {
        $error = $this->ffi->new('tm_error');
        $code = $call(FFI::addr($error));
        if ($code !== 0) {
            throw new Refused($code, FFI::string($error->message, $error->message_len));
        }
    }

    /** The output of `$call($buf, $len, $outLen, $error)`, growing the buffer once if the library asks. */
    private function output(callable $call): string
    {
        $size = 1024;
        $outLen = $this->ffi->new('size_t');
        for (;;) {
            $buf = $this->ffi->new("char[$size]");
            $error = $this->ffi->new('tm_error');
            $code = $call($buf, $size, FFI::addr($outLen), FFI::addr($error));
            if ($code === 0) {
                return FFI::string($buf, $outLen->cdata);
            }
            if ($code !== $this->ffi->TM_BUFFER_TOO_SMALL || $outLen->cdata <= $size) {
                throw new Refused($code, FFI::string($error->message, $error->message_len));
            }
            $size = $outLen->cdata;
        }
    }

    /** A PHP string as C bytes (uint8_t*); the CData owns them. */
    private function bytes(string $s)
    {
        $c = $this->ffi->new('uint8_t[' . max(1, strlen($s)) . ']');
        FFI::memcpy($c, $s, strlen($s));
        return $c;
    }

    /** @param list<array{string,string}> $params */
    private function params(array $params): array
    {
        $n = count($params);
        if ($n === 0) {
            return [null, 0, []];
        }
        $array = $this->ffi->new("tm_param[$n]");
        $keep = [];
        foreach ($params as $i => [$name, $value]) {
            $keep[] = $n1 = $this->bytes($name);
            $keep[] = $v1 = $this->bytes($value);
            $array[$i]->name = $this->ffi->cast('const char*', FFI::addr($n1));
            $array[$i]->name_len = strlen($name);
            $array[$i]->value = $this->ffi->cast('const char*', FFI::addr($v1));
            $array[$i]->value_len = strlen($value);
        }
        return [$array, $n, $keep];
    }

    public function authorization(int $unixTime): string
    {
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_authorization($this->signer, $unixTime, $b, $n, $o, $e));
    }

    public function authorizationPayload(int $unixTime): string
    {
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_authorization_payload($this->signer, $unixTime, $b, $n, $o, $e));
    }

    public function widgetSignature(array $params): string
    {
        [$p, $count, $keep] = $this->params($params);
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_widget_signature($this->signer, $p, $count, $b, $n, $o, $e));
    }

    public function widgetPayload(array $params): string
    {
        [$p, $count, $keep] = $this->params($params);
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_widget_payload($this->signer, $p, $count, $b, $n, $o, $e));
    }

    public function widgetUrl(string $widget, array $params): string
    {
        [$p, $count, $keep] = $this->params($params);
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_widget_url(
            $this->signer, $widget, strlen($widget), $p, $count, $b, $n, $o, $e));
    }

    /** TM_OK (0) or the verdict's code; a URL that cannot be read is a Refused. */
    public function verifyReturnUrl(string $url): int
    {
        $error = $this->ffi->new('tm_error');
        $code = $this->ffi->tm_verify_return_url($this->signer, $url, strlen($url), FFI::addr($error));
        if ($code !== 0 && $code < $this->ffi->TM_BAD_ACCESS_KEY) {
            throw new Refused($code, FFI::string($error->message, $error->message_len));
        }
        return $code;
    }

    public function returnUrlPayload(string $url): string
    {
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_return_url_payload(
            $this->signer, $url, strlen($url), $b, $n, $o, $e));
    }
}

$tm = new TicketmaticSign($header, $lib);
$ffi = $tm->ffi;
$verdicts = [
    $ffi->TM_BAD_ACCESS_KEY => 'bad_access_key',
    $ffi->TM_SIGNATURE_MISSING => 'signature_missing',
    $ffi->TM_SIGNATURE_MISMATCH => 'signature_mismatch',
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
];

$json = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
while (($line = fgets(STDIN)) !== false) {
    $message = json_decode($line, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
    if ($message['cmd'] === 'stop') {
        break;
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
            $answer = ['seq' => $message['seq'], 'output' => $kinds[$message['case']['kind']]($message['case'])];
        } catch (Refused $e) {
            $answer = ['seq' => $message['seq'], 'refused' => $e->getMessage()];
        }
    }
    fwrite(STDOUT, json_encode($answer, $json) . "\n");
    fflush(STDOUT);
}
