<?php
// ticketmatic-sign in PHP through its C ABI (ffi/) and PHP's FFI extension:
// the library loaded from its header, and a Signer that owns a tm_signer.
// Used by adapter.php (the conformance kit) and speed/php.php; copy it to
// embed the library in PHP code of your own.
//
//     $tm = new TicketmaticSign('ffi/include/ticketmatic_sign.h', 'target/ffi/libticketmatic_sign.so');
//     $signer = new Signer($tm, $accessKey, $secretKey, 'myaccount');
//     $header = $signer->authorization(time());

declare(strict_types=1);

/**
 * The library: loaded from its header on the command line (`new
 * TicketmaticSign($header, $lib)`), or under php-fpm from the scope that
 * PHP preloaded at startup (`TicketmaticSign::scope()`, see php-fpm/README.md).
 */
final class TicketmaticSign
{
    /** The FFI scope name that the header written by preloadHeader() declares. */
    public const SCOPE = 'ticketmatic_sign';

    public FFI $ffi;

    public function __construct(string $header, string $lib)
    {
        $this->ffi = FFI::cdef(self::declarations($header), $lib);
    }

    /**
     * The library as php-fpm preloaded it (ffi.preload of the file that
     * preloadHeader() wrote). PHP's default ffi.enable=preload lets only
     * preloaded code call FFI: preload this file too (opcache.preload).
     */
    public static function scope(): self
    {
        $tm = (new ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $tm->ffi = FFI::scope(self::SCOPE);
        return $tm;
    }

    /** The header for ffi.preload: the declarations, with FFI_SCOPE and FFI_LIB. */
    public static function preloadHeader(string $header, string $lib): string
    {
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n#define FFI_LIB \"$lib\"\n" . self::declarations($header);
    }

    /**
     * What FFI can read of the C header (it takes declarations only): the C++
     * guard and every preprocessor line dropped, the #define'd array sizes
     * put in place of their names.
     */
    private static function declarations(string $header): string
    {
        $text = file_get_contents($header);
        preg_match_all('/^#define (TM_\w+) (\d+)$/m', $text, $defines, PREG_SET_ORDER);
        $constants = [];
        foreach ($defines as [, $name, $value]) {
            $constants[$name] = $value;
        }
        $text = preg_replace('/^#ifdef __cplusplus.*?^#endif.*?$/ms', '', $text);
        $text = preg_replace('/^#.*$/m', '', $text);
        return strtr($text, $constants);
    }
}

/**
 * Verifies API requests' Authorization headers, for PHP servers: the
 * secret of the header's access key comes from `$secretFor` (null for a key
 * it does not know), called through the C ABI's key lookup callback.
 */
final class HeaderVerifier
{
    private FFI $ffi;
    /** The C callback, made once (each FFI closure costs a trampoline). */
    private $lookup;
    /** The secret of the current call, in C memory until the call returns. */
    private $secret = null;
    /** @var callable(string): ?string */
    private $secretFor;
    private $error;

    public function __construct(TicketmaticSign $tm, callable $secretFor)
    {
        $this->ffi = $tm->ffi;
        $this->secretFor = $secretFor;
        $this->error = $this->ffi->new('tm_error');
        $this->lookup = function ($userdata, $key, $keyLen, $secretOut, $secretLenOut): int {
            $secret = ($this->secretFor)(FFI::string($key, $keyLen));
            if ($secret === null) {
                return $this->ffi->TM_UNKNOWN_ACCESS_KEY;
            }
            $this->secret = $this->ffi->new('uint8_t[' . max(1, strlen($secret)) . ']');
            FFI::memcpy($this->secret, $secret, strlen($secret));
            $secretOut[0] = $this->ffi->cast('const uint8_t*', FFI::addr($this->secret));
            $secretLenOut[0] = strlen($secret);
            return 0;
        };
    }

    /**
     * TM_OK (0), or the verdict: TM_MALFORMED_AUTHORIZATION,
     * TM_UNKNOWN_ACCESS_KEY, TM_SIGNATURE_MISMATCH or
     * TM_TIMESTAMP_OUTSIDE_WINDOW (answer 401); anything else is a Refused.
     */
    public function verify(string $header, string $account, int $now, int $windowSecs = 1800): int
    {
        $code = $this->ffi->tm_verify_authorization(
            $header, strlen($header), $account, strlen($account), $now, $windowSecs,
            $this->lookup, null, FFI::addr($this->error),
        );
        $this->secret = null;
        $verdicts = [0, $this->ffi->TM_MALFORMED_AUTHORIZATION, $this->ffi->TM_UNKNOWN_ACCESS_KEY,
            $this->ffi->TM_SIGNATURE_MISMATCH, $this->ffi->TM_TIMESTAMP_OUTSIDE_WINDOW];
        if (!in_array($code, $verdicts, true)) {
            throw new Refused($code, FFI::string($this->error->message, $this->error->message_len));
        }
        return $code;
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
    private $buf;
    private int $bufLen = 1024;
    private $outLen;
    private $error;

    public function __construct(private TicketmaticSign $tm, string $accessKey, string $secretKey, string $account)
    {
        $this->ffi = $tm->ffi;
        $this->buf = $this->ffi->new("char[{$this->bufLen}]");
        $this->outLen = $this->ffi->new('size_t');
        $this->error = $this->ffi->new('tm_error');
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

    /**
     * The output of `$call($buf, $len, $outLen, $error)`, in a buffer the
     * signer keeps (grown when the library asks for more): each FFI::new
     * costs about as much as the signing.
     */
    private function output(callable $call): string
    {
        for (;;) {
            $code = $call($this->buf, $this->bufLen, FFI::addr($this->outLen), FFI::addr($this->error));
            if ($code === 0) {
                return FFI::string($this->buf, $this->outLen->cdata);
            }
            if ($code !== $this->ffi->TM_BUFFER_TOO_SMALL || $this->outLen->cdata <= $this->bufLen) {
                throw new Refused($code, FFI::string($this->error->message, $this->error->message_len));
            }
            $this->bufLen = $this->outLen->cdata;
            $this->buf = $this->ffi->new("char[{$this->bufLen}]");
        }
    }

    /** A PHP string as C bytes (uint8_t*); the CData owns them. */
    private function bytes(string $s)
    {
        $c = $this->ffi->new('uint8_t[' . max(1, strlen($s)) . ']');
        FFI::memcpy($c, $s, strlen($s));
        return $c;
    }

    /**
     * The parameters as a tm_param array over one C copy of all their bytes
     * (one allocation and one copy, not one per text: FFI calls are what cost).
     *
     * @param list<array{string,string}> $params
     * @return array{0: ?FFI\CData, 1: int, 2: ?FFI\CData} the array, its length, and the bytes it points into
     */
    private function params(array $params): array
    {
        $n = count($params);
        if ($n === 0) {
            return [null, 0, null];
        }
        $text = '';
        foreach ($params as [$name, $value]) {
            $text .= $name . $value;
        }
        $bytes = $this->bytes($text);
        // The address as an integer: PHP's FFI pointer arithmetic is unreliable
        // (a pointer CData used in `+` twice came back corrupted in PHP 8.2).
        $base = $this->ffi->cast('size_t', FFI::addr($bytes))->cdata;
        $array = $this->ffi->new("tm_param[$n]");
        $offset = 0;
        foreach ($params as $i => [$name, $value]) {
            $array[$i]->name = $this->ffi->cast('const char*', $base + $offset);
            $array[$i]->name_len = strlen($name);
            $offset += strlen($name);
            $array[$i]->value = $this->ffi->cast('const char*', $base + $offset);
            $array[$i]->value_len = strlen($value);
            $offset += strlen($value);
        }
        return [$array, $n, $bytes];
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
        $code = $this->ffi->tm_verify_return_url($this->signer, $url, strlen($url), FFI::addr($this->error));
        if ($code !== 0 && $code < $this->ffi->TM_BAD_ACCESS_KEY) {
            throw new Refused($code, FFI::string($this->error->message, $this->error->message_len));
        }
        return $code;
    }

    public function returnUrlPayload(string $url): string
    {
        return $this->output(fn ($b, $n, $o, $e) => $this->ffi->tm_return_url_payload(
            $this->signer, $url, strlen($url), $b, $n, $o, $e));
    }
}
