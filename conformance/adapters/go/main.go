// A tm-conformance/1 adapter over the C ABI (ffi/), through cgo: the kit
// checks the static library as Go code links it. The package tmsign/ is the
// short example of embedding the library in Go; this file is the protocol.
//
//	cargo build --profile ffi -p ticketmatic-sign-ffi
//	(cd conformance/adapters/go && go build -o ../../../target/go-adapter .)
//	tm conformance run -- target/go-adapter
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"ticketmatic-sign/conformance/adapters/go/tmsign"
)

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
	Header    string       `json:"header"`
	NowUnix   json.Number  `json:"now_unix"`
	Window    json.Number  `json:"window_secs"`
}

var verdicts = map[tmsign.Result]string{
	tmsign.BadAccessKey:      "bad_access_key",
	tmsign.SignatureMissing:  "signature_missing",
	tmsign.SignatureMismatch: "signature_mismatch",
}

var headerVerdicts = map[tmsign.Result]string{
	tmsign.MalformedAuthorization: "malformed",
	tmsign.UnknownAccessKey:       "unknown_access_key",
	tmsign.SignatureMismatch:      "signature_mismatch",
	tmsign.TimestampOutsideWindow: "timestamp_outside_window",
}

// checkHeader runs an authorization_check case: a server verifying a header.
func checkHeader(c *Case) (map[string]any, error) {
	now, err := c.NowUnix.Int64()
	if err != nil {
		return nil, &tmsign.Refused{Message: "now_unix: not a 64-bit integer"}
	}
	window, err := strconv.ParseUint(c.Window.String(), 10, 32)
	if err != nil {
		return nil, &tmsign.Refused{Message: "window_secs: not a 32-bit unsigned integer"}
	}
	secretFor := func(key string) ([]byte, bool) {
		return []byte(c.SecretKey), key == c.AccessKey
	}
	code, err := tmsign.VerifyAuthorization(c.Header, c.Account, now, uint32(window), secretFor)
	if err != nil {
		return nil, err
	}
	if code == tmsign.OK {
		return map[string]any{"valid": true}, nil
	}
	return map[string]any{"valid": false, "error_kind": headerVerdicts[code]}, nil
}

func run(c *Case) (map[string]any, error) {
	if c.Kind == "authorization_check" {
		return checkHeader(c)
	}
	s, err := tmsign.NewSigner(c.AccessKey, c.SecretKey, c.Account)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	switch c.Kind {
	case "authorization":
		var unix int64
		if c.UnixTime != nil {
			if unix, err = c.UnixTime.Int64(); err != nil {
				return nil, &tmsign.Refused{Message: "unix_time: not a 64-bit integer"}
			}
		} else if unix, err = tmsign.ParseTimestamp(c.Timestamp); err != nil {
			return nil, err
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
		if code == tmsign.OK {
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
					"name":     "ticketmatic-sign C ABI " + tmsign.Version() + " (Go cgo)",
					"language": "Go",
					"version":  runtime.Version(),
				},
				"kinds": []string{"authorization", "widget", "return_url", "authorization_check"},
			}
		default:
			output, err := run(&message.Case)
			var r *tmsign.Refused
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
