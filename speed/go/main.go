// Go: crypto/hmac and net/url against the C ABI through cgo
// (conformance/adapters/go/tmsign), on speed/workload.json. Prints one JSON
// line per measurement; speed/run.sh makes the table.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"ticketmatic-sign/conformance/adapters/go/tmsign"
)

type workload struct {
	AccessKey   string      `json:"access_key"`
	SecretKey   string      `json:"secret_key"`
	Account     string      `json:"account"`
	UnixTime    int64       `json:"unix_time"`
	Widget      string      `json:"widget"`
	Params      [][2]string `json:"params"`
	ReturnQuery string      `json:"return_query"`
}

var w workload

// ----- what a Go developer writes with the standard library ----------------------

func sign(message string) string {
	mac := hmac.New(sha256.New, []byte(w.SecretKey))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil))
}

func stdHeader(unix int64) string {
	ts := time.Unix(unix, 0).UTC().Format("2006-01-02T15:04:05")
	return "TM-HMAC-SHA256 key=" + w.AccessKey + " ts=" + ts + " sign=" + sign(w.AccessKey+w.Account+ts)
}

// canonical: the signed names in byte order (Go compares strings byte-wise), raw values.
func canonical(pairs [][2]string) string {
	signed := make([][2]string, 0, len(pairs))
	for _, p := range pairs {
		if p[0] != "l" && p[0] != "ordercode" {
			signed = append(signed, p)
		}
	}
	sort.Slice(signed, func(i, j int) bool { return signed[i][0] < signed[j][0] })
	var b strings.Builder
	for _, p := range signed {
		b.WriteString(p[0])
		b.WriteString(p[1])
	}
	return b.String()
}

// encode: RFC 3986 (QueryEscape writes a space as '+').
func encode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func stdWidgetURL(widget string, params [][2]string) string {
	var b strings.Builder
	b.WriteString("https://apps.ticketmatic.com/widgets/" + w.Account + "/" + widget + "?")
	for _, p := range params {
		b.WriteString(encode(p[0]) + "=" + encode(p[1]) + "&")
	}
	b.WriteString("accesskey=" + encode(w.AccessKey) + "&signature=" + sign(w.AccessKey+w.Account+canonical(params)))
	return b.String()
}

func stdVerify(query string) bool {
	values, err := url.ParseQuery(query)
	if err != nil || values.Get("accesskey") != w.AccessKey {
		return false
	}
	given := values.Get("signature")
	pairs := make([][2]string, 0, len(values))
	for name, vs := range values {
		if name != "accesskey" && name != "signature" {
			pairs = append(pairs, [2]string{name, vs[0]})
		}
	}
	return hmac.Equal([]byte(sign(w.AccessKey+w.Account+canonical(pairs))), []byte(given))
}

// measure gives the median ns per call over 5 batches of about batch each.
func measure(fn func(), batch time.Duration) float64 {
	n := 1
	for ; ; n *= 2 {
		start := time.Now()
		for i := 0; i < n; i++ {
			fn()
		}
		if time.Since(start) >= batch {
			break
		}
	}
	batches := make([]float64, 5)
	for b := range batches {
		start := time.Now()
		for i := 0; i < n; i++ {
			fn()
		}
		batches[b] = float64(time.Since(start).Nanoseconds()) / float64(n)
	}
	sort.Float64s(batches)
	return batches[2]
}

func must(ok bool, what string) {
	if !ok {
		fmt.Fprintln(os.Stderr, "go: the two implementations differ:", what)
		os.Exit(1)
	}
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		err = json.Unmarshal(data, &w)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "go: workload:", err)
		os.Exit(1)
	}
	batchMs, err := strconv.ParseFloat(os.Getenv("SPEED_BATCH_MS"), 64)
	if err != nil {
		batchMs = 100
	}
	batch := time.Duration(batchMs * float64(time.Millisecond))
	signer, err := tmsign.NewSigner(w.AccessKey, w.SecretKey, w.Account)
	if err != nil {
		panic(err)
	}
	defer signer.Close()
	bindingVerify := func(q string) bool {
		code, err := signer.VerifyReturnURL(q)
		return err == nil && code == tmsign.OK
	}
	header, _ := signer.Authorization(w.UnixTime)
	must(header == stdHeader(w.UnixTime), "header")
	widgetURL, _ := signer.WidgetURL(w.Widget, w.Params)
	must(widgetURL == stdWidgetURL(w.Widget, w.Params), "widget URL")
	must(stdVerify(w.ReturnQuery) && bindingVerify(w.ReturnQuery), "return URL")
	tampered := strings.Replace(w.ReturnQuery, "2715", "2716", 1)
	must(!stdVerify(tampered) && !bindingVerify(tampered), "tampered return URL")

	ops := []struct {
		name         string
		std, binding func()
	}{
		{"header", func() { stdHeader(w.UnixTime) }, func() { _, _ = signer.Authorization(w.UnixTime) }},
		{"widget URL, 10 parameters", func() { stdWidgetURL(w.Widget, w.Params) }, func() { _, _ = signer.WidgetURL(w.Widget, w.Params) }},
		{"return-URL check", func() { stdVerify(w.ReturnQuery) }, func() { bindingVerify(w.ReturnQuery) }},
	}
	out := json.NewEncoder(os.Stdout)
	for _, op := range ops {
		for _, impl := range []struct {
			name string
			fn   func()
		}{{"stdlib", op.std}, {"binding", op.binding}} {
			_ = out.Encode(map[string]any{
				"language": "Go " + strings.TrimPrefix(runtime.Version(), "go"),
				"binding":  "C ABI through cgo (static)",
				"op":       op.name, "impl": impl.name, "ns": measure(impl.fn, batch),
			})
		}
	}
}
