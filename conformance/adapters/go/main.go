// A tm-conformance/1 adapter over the C ABI (ffi/), through cgo: the kit
// checks the static library as Go code would link it, and this file is a
// short example of embedding it in Go.
//
//	cargo build --release -p ticketmatic-sign-ffi
//	(cd conformance/adapters/go && go build -o ../../../target/go-adapter .)
//	tm conformance run -- target/go-adapter
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../ffi/include
#cgo LDFLAGS: ${SRCDIR}/../../../target/release/libticketmatic_sign.a -lm -ldl -lpthread
#include <stdlib.h>
#include "ticketmatic_sign.h"
*/
import "C"

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
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

func (s *Signer) Close() { C.tm_signer_free(s.s) }

// output runs call with a buffer, growing it once if the library asks.
func output(call func(buf *C.char, n C.size_t, outLen *C.size_t, e *C.tm_error) C.tm_result) (string, error) {
	size := C.size_t(1024)
	for {
		buf := (*C.char)(C.malloc(size))
		var outLen C.size_t
		var e C.tm_error
		code := call(buf, size, &outLen, &e)
		text := C.GoStringN(buf, C.int(outLen))
		C.free(unsafe.Pointer(buf))
		if code == C.TM_OK {
			return text, nil
		}
		if code != C.TM_BUFFER_TOO_SMALL || outLen <= size {
			return "", refused(code, &e)
		}
		size = outLen
	}
}

// params copies [name, value] pairs into a C array of tm_param.
func params(t *cText, pairs [][2]string) (*C.tm_param, C.size_t) {
	if len(pairs) == 0 {
		return nil, 0
	}
	array := (*C.tm_param)(C.malloc(C.size_t(len(pairs)) * C.size_t(unsafe.Sizeof(C.tm_param{}))))
	t.ptrs = append(t.ptrs, unsafe.Pointer(array))
	list := unsafe.Slice(array, len(pairs))
	for i, p := range pairs {
		list[i].name, list[i].name_len = t.add(p[0])
		list[i].value, list[i].value_len = t.add(p[1])
	}
	return array, C.size_t(len(pairs))
}

func (s *Signer) Authorization(unix int64) (string, error) {
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_authorization(s.s, C.int64_t(unix), b, n, o, e)
	})
}

func (s *Signer) AuthorizationPayload(unix int64) (string, error) {
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_authorization_payload(s.s, C.int64_t(unix), b, n, o, e)
	})
}

func (s *Signer) WidgetSignature(pairs [][2]string) (string, error) {
	var t cText
	defer t.free()
	p, count := params(&t, pairs)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_widget_signature(s.s, p, count, b, n, o, e)
	})
}

func (s *Signer) WidgetPayload(pairs [][2]string) (string, error) {
	var t cText
	defer t.free()
	p, count := params(&t, pairs)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_widget_payload(s.s, p, count, b, n, o, e)
	})
}

func (s *Signer) WidgetURL(widget string, pairs [][2]string) (string, error) {
	var t cText
	defer t.free()
	w, wLen := t.add(widget)
	p, count := params(&t, pairs)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_widget_url(s.s, w, wLen, p, count, b, n, o, e)
	})
}

// VerifyReturnURL gives TM_OK or a verdict's code; a URL that cannot be read is an error.
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

func (s *Signer) ReturnURLPayload(url string) (string, error) {
	var t cText
	defer t.free()
	u, uLen := t.add(url)
	return output(func(b *C.char, n C.size_t, o *C.size_t, e *C.tm_error) C.tm_result {
		return C.tm_return_url_payload(s.s, u, uLen, b, n, o, e)
	})
}

// Case is a case of any kind; fields a kind does not use stay empty.
type Case struct {
	Kind      string       `json:"kind"`
	AccessKey string       `json:"access_key"`
	SecretKey string       `json:"secret_key"`
	Account   string       `json:"account"`
	UnixTime  *json.Number `json:"unix_time"`
	Timestamp string       `json:"timestamp"`
	Widget    string       `json:"widget"`
	Params    [][2]string  `json:"params"`
	Query     string       `json:"query"`
}

var verdicts = map[C.tm_result]string{
	C.TM_BAD_ACCESS_KEY:     "bad_access_key",
	C.TM_SIGNATURE_MISSING:  "signature_missing",
	C.TM_SIGNATURE_MISMATCH: "signature_mismatch",
}

func run(c *Case) (map[string]any, error) {
	s, err := NewSigner(c.AccessKey, c.SecretKey, c.Account)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	switch c.Kind {
	case "authorization":
		var unix int64
		if c.UnixTime != nil {
			if unix, err = c.UnixTime.Int64(); err != nil {
				return nil, &Refused{C.TM_TIME_OUT_OF_RANGE, "unix_time: not a 64-bit integer"}
			}
		} else {
			var t cText
			defer t.free()
			text, textLen := t.add(c.Timestamp)
			var out C.int64_t
			var e C.tm_error
			if code := C.tm_timestamp_parse(text, textLen, &out, &e); code != C.TM_OK {
				return nil, refused(code, &e)
			}
			unix = int64(out)
		}
		header, err := s.Authorization(unix)
		if err != nil {
			return nil, err
		}
		payload, err := s.AuthorizationPayload(unix)
		if err != nil {
			return nil, err
		}
		ts := strings.TrimPrefix(strings.Fields(header)[2], "ts=")
		return map[string]any{"timestamp": ts, "header": header, "payload": payload}, nil
	case "widget":
		signature, err := s.WidgetSignature(c.Params)
		if err != nil {
			return nil, err
		}
		url, err := s.WidgetURL(c.Widget, c.Params)
		if err != nil {
			return nil, err
		}
		payload, err := s.WidgetPayload(c.Params)
		if err != nil {
			return nil, err
		}
		return map[string]any{"signature": signature, "url": url, "payload": payload}, nil
	case "return_url":
		code, err := s.VerifyReturnURL(c.Query)
		if err != nil {
			return nil, err
		}
		payload, err := s.ReturnURLPayload(c.Query)
		if err != nil {
			return nil, err
		}
		if code == C.TM_OK {
			return map[string]any{"valid": true, "payload": payload}, nil
		}
		return map[string]any{"valid": false, "error_kind": verdicts[code], "payload": payload}, nil
	}
	return nil, fmt.Errorf("unknown kind %q", c.Kind)
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			return
		}
		var message struct {
			Cmd  string `json:"cmd"`
			Seq  int    `json:"seq"`
			Case Case   `json:"case"`
		}
		decoder := json.NewDecoder(strings.NewReader(string(line)))
		decoder.UseNumber()
		if err := decoder.Decode(&message); err != nil {
			fmt.Fprintln(os.Stderr, "adapter: bad message:", err)
			os.Exit(1)
		}
		var answer map[string]any
		switch message.Cmd {
		case "stop":
			return
		case "start":
			answer = map[string]any{
				"implementation": map[string]any{
					"name":     "ticketmatic-sign C ABI " + C.GoString(C.tm_version()) + " (Go cgo)",
					"language": "Go",
					"version":  runtime.Version(),
				},
				"kinds": []string{"authorization", "widget", "return_url"},
			}
		default:
			output, err := run(&message.Case)
			var r *Refused
			switch {
			case err == nil:
				answer = map[string]any{"seq": message.Seq, "output": output}
			case errors.As(err, &r):
				answer = map[string]any{"seq": message.Seq, "refused": r.Message}
			default:
				fmt.Fprintln(os.Stderr, "adapter:", err)
				os.Exit(1)
			}
		}
		if err := out.Encode(answer); err != nil {
			os.Exit(1)
		}
	}
}
