// Package tmsign embeds ticketmatic-sign in Go through its C ABI (ffi/),
// linked statically with cgo: build the library first with
// `cargo build --profile ffi -p ticketmatic-sign-ffi`.
//
// Strings are copied into C memory for the length of each call (cgo may
// not pass Go memory that holds Go pointers, as tm_param does); outputs come
// back in a buffer that grows once if the library asks for more.
package tmsign

/*
#cgo CFLAGS: -I${SRCDIR}/../../../../ffi/include
#cgo LDFLAGS: ${SRCDIR}/../../../../target/ffi/libticketmatic_sign.a -lm -ldl -lpthread
#include <stdlib.h>
#include "ticketmatic_sign.h"
// The exported Go function below, as C sees it (tm_secret_lookup).
extern uint32_t tmsignLookup(void *, uint8_t *, size_t, uint8_t **, size_t *);
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Refused is a refusal by the library: its code and message.
type Refused struct {
	Code    C.tm_result
	Message string
}

func (r *Refused) Error() string { return r.Message }

func refused(code C.tm_result, e *C.tm_error) error {
	return &Refused{code, C.GoStringN(&e.message[0], C.int(e.message_len))}
}

// cText is Go text as C bytes for the length of a call. cgo may not keep
// Go pointers inside C memory (tm_param holds pointers), so the bytes are
// copied into C's heap; free releases them.
type cText struct {
	ptrs []unsafe.Pointer
}

func (t *cText) add(s string) (*C.char, C.size_t) {
	if s == "" {
		return nil, 0
	}
	p := C.CBytes([]byte(s))
	t.ptrs = append(t.ptrs, p)
	return (*C.char)(p), C.size_t(len(s))
}

func (t *cText) free() {
	for _, p := range t.ptrs {
		C.free(p)
	}
}

// Signer wraps a tm_signer; Close frees it.
type Signer struct{ s *C.tm_signer }

// NewSigner makes a signer for this key pair and account.
func NewSigner(accessKey, secretKey, account string) (*Signer, error) {
	var t cText
	defer t.free()
	key, keyLen := t.add(accessKey)
	secret, secretLen := t.add(secretKey)
	acct, acctLen := t.add(account)
	var s *C.tm_signer
	var e C.tm_error
	if code := C.tm_signer_new(key, keyLen, (*C.uint8_t)(unsafe.Pointer(secret)), secretLen,
		acct, acctLen, nil, 0, &s, &e); code != C.TM_OK {
		return nil, refused(code, &e)
	}
	return &Signer{s}, nil
}

// Close frees the signer.
func (s *Signer) Close() { C.tm_signer_free(s.s) }

// output runs call with a buffer, growing it once if the library asks. The
// buffer is Go memory (cgo allows passing memory that holds no Go pointers).
func output(call func(buf *C.char, n C.size_t, outLen *C.size_t, e *C.tm_error) C.tm_result) (string, error) {
	buf := make([]byte, 1024)
	for {
		var outLen C.size_t
		var e C.tm_error
		code := call((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &outLen, &e)
		if code == C.TM_OK {
			return string(buf[:outLen]), nil
		}
		if code != C.TM_BUFFER_TOO_SMALL || int(outLen) <= len(buf) {
			return "", refused(code, &e)
		}
		buf = make([]byte, outLen)
	}
}

// params copies [name, value] pairs into one block of C memory: the array
// of tm_param, then the texts it points into (one allocation, not one per
// text: each cgo call costs about as much as hashing a block).
func params(t *cText, pairs [][2]string) (*C.tm_param, C.size_t) {
	if len(pairs) == 0 {
		return nil, 0
	}
	head := len(pairs) * int(unsafe.Sizeof(C.tm_param{}))
	size := head
	for _, p := range pairs {
		size += len(p[0]) + len(p[1])
	}
	block := C.malloc(C.size_t(size))
	t.ptrs = append(t.ptrs, block)
	list := unsafe.Slice((*C.tm_param)(block), len(pairs))
	texts := unsafe.Slice((*byte)(block), size)[head:]
	at := 0
	place := func(s string) (*C.char, C.size_t) {
		start := at
		at += copy(texts[at:], s)
		return (*C.char)(unsafe.Add(block, head+start)), C.size_t(len(s))
	}
	for i, p := range pairs {
		list[i].name, list[i].name_len = place(p[0])
		list[i].value, list[i].value_len = place(p[1])
	}
	return (*C.tm_param)(block), C.size_t(len(pairs))
}

// Authorization is the Authorization header value for a request made at unix.
func (s *Signer) Authorization(unix int64) (string, error) {
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_authorization(s.s, C.int64_t(unix), b, n, o, e)
	})
}

// AuthorizationPayload is the text the header for unix signs.
func (s *Signer) AuthorizationPayload(unix int64) (string, error) {
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_authorization_payload(s.s, C.int64_t(unix), b, n, o, e)
	})
}

// WidgetSignature is the widget signature of the [name, value] pairs.
func (s *Signer) WidgetSignature(pairs [][2]string) (string, error) {
	var t cText
	defer t.free()
	p, count := params(&t, pairs)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_widget_signature(s.s, p, count, b, n, o, e)
	})
}

// WidgetPayload is the text the widget signature signs.
func (s *Signer) WidgetPayload(pairs [][2]string) (string, error) {
	var t cText
	defer t.free()
	p, count := params(&t, pairs)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_widget_payload(s.s, p, count, b, n, o, e)
	})
}

// WidgetURL is the signed URL of widget with the pairs, in their order.
func (s *Signer) WidgetURL(widget string, pairs [][2]string) (string, error) {
	var t cText
	defer t.free()
	w, wLen := t.add(widget)
	p, count := params(&t, pairs)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_widget_url(s.s, w, wLen, p, count, b, n, o, e)
	})
}

// VerifyReturnURL gives OK or a verdict's code; a URL that cannot be read is an error.
func (s *Signer) VerifyReturnURL(url string) (C.tm_result, error) {
	var t cText
	defer t.free()
	u, uLen := t.add(url)
	var e C.tm_error
	code := C.tm_verify_return_url(s.s, u, uLen, &e)
	if code != C.TM_OK && code < C.TM_BAD_ACCESS_KEY {
		return code, refused(code, &e)
	}
	return code, nil
}

// ReturnURLPayload is the text a return URL's signature should sign.
func (s *Signer) ReturnURLPayload(url string) (string, error) {
	var t cText
	defer t.free()
	u, uLen := t.add(url)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_return_url_payload(s.s, u, uLen, b, n, o, e)
	})
}

// Result codes of VerifyReturnURL's verdicts.
const (
	OK                = C.TM_OK
	BadAccessKey      = C.TM_BAD_ACCESS_KEY
	SignatureMissing  = C.TM_SIGNATURE_MISSING
	SignatureMismatch = C.TM_SIGNATURE_MISMATCH
)

// Result is a tm_result code.
type Result = C.tm_result

// ParseTimestamp converts UTC text YYYY-MM-DDTHH:MM:SS to Unix seconds.
func ParseTimestamp(text string) (int64, error) {
	var t cText
	defer t.free()
	p, n := t.add(text)
	var out C.int64_t
	var e C.tm_error
	if code := C.tm_timestamp_parse(p, n, &out, &e); code != C.TM_OK {
		return 0, refused(code, &e)
	}
	return int64(out), nil
}

// Version is the library's version.
func Version() string { return C.GoString(C.tm_version()) }

// Verdicts of VerifyAuthorization.
const (
	MalformedAuthorization        = C.TM_MALFORMED_AUTHORIZATION
	UnknownAccessKey              = C.TM_UNKNOWN_ACCESS_KEY
	TimestampOutsideWindow        = C.TM_TIMESTAMP_OUTSIDE_WINDOW
	DefaultWindowSecs      uint32 = C.TM_DEFAULT_WINDOW_SECS
)

// lookup is what the C callback reaches through its userdata: the caller's
// function, and the secret it found, copied into C memory (C may not keep
// a Go pointer) until VerifyAuthorization returns.
type lookup struct {
	secretFor func(accessKey string) (secret []byte, ok bool)
	secret    unsafe.Pointer
}

//export tmsignLookup
func tmsignLookup(userdata unsafe.Pointer, key *C.uint8_t, keyLen C.size_t, secretOut **C.uint8_t, secretLenOut *C.size_t) C.uint32_t {
	l := cgo.Handle(*(*C.uintptr_t)(userdata)).Value().(*lookup)
	secret, ok := l.secretFor(C.GoStringN((*C.char)(unsafe.Pointer(key)), C.int(keyLen)))
	if !ok {
		return C.TM_UNKNOWN_ACCESS_KEY
	}
	l.secret = C.CBytes(secret)
	*secretOut = (*C.uint8_t)(l.secret)
	*secretLenOut = C.size_t(len(secret))
	return C.TM_OK
}

// VerifyAuthorization verifies an API request's Authorization header for a
// Go server: account is the request path's account ("" for _), now the
// server's clock in Unix seconds, secretFor looks up an access key's secret.
// It returns OK or the verdict (MalformedAuthorization, UnknownAccessKey,
// SignatureMismatch, TimestampOutsideWindow: answer 401), or a *Refused for
// inputs the library cannot take.
func VerifyAuthorization(header, account string, now int64, windowSecs uint32,
	secretFor func(accessKey string) ([]byte, bool)) (Result, error) {
	var t cText
	defer t.free()
	h, hLen := t.add(header)
	a, aLen := t.add(account)
	l := &lookup{secretFor: secretFor}
	handle := cgo.NewHandle(l)
	defer handle.Delete()
	// The handle travels in C memory: userdata is a pointer to it.
	userdata := C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0))))
	defer C.free(userdata)
	*(*C.uintptr_t)(userdata) = C.uintptr_t(handle)
	var e C.tm_error
	code := C.tm_verify_authorization(h, hLen, a, aLen, C.int64_t(now), C.uint32_t(windowSecs),
		C.tm_secret_lookup(C.tmsignLookup), userdata, &e)
	if l.secret != nil {
		C.free(l.secret)
	}
	switch code {
	case C.TM_OK, C.TM_MALFORMED_AUTHORIZATION, C.TM_UNKNOWN_ACCESS_KEY,
		C.TM_SIGNATURE_MISMATCH, C.TM_TIMESTAMP_OUTSIDE_WINDOW:
		return code, nil
	}
	return code, refused(code, &e)
}
