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
