// A typed Ticketmatic client against `tm mock-server`, to prove that the
// official Go client (tm-go) can read what the mock answers. The structs
// below are written from tm-go's documented types (ticketmatic/types.go):
// the same JSON field names and Go types, and the same time formats, for
// every field the fixtures use. Unknown fields are refused, so that every
// field a fixture holds is decoded with its type; any decoding error fails.
//
// Standard library only. Usage: go run . BASE_URL EXPORT_RECORDS
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// The documentation's example keys, which `tm --demo` serves.
const (
	accessKey = "azertyuiop"
	secretKey = "qsdfghjklm"
	account   = "myaccountname"
)

// Time reads the formats tm-go's ticketmatic.Time reads: RFC 3339,
// "2006-01-02 15:04:05", "2006-01-02T15:04:05" (a fraction allowed), and
// "2006-01-02"; null is the zero time; anything else (an empty string) is
// an error, as in tm-go.
type Time struct{ time.Time }

// MarshalJSON writes what tm-go's Time writes in a request body:
// "2006-01-02 15:04:05" (the zero time too, as a string).
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.Format("2006-01-02 15:04:05"))
}

func (t *Time) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if parsed, err := time.Parse(time.RFC3339, s); err == nil {
		t.Time = parsed
		return nil
	}
	var layout string
	switch {
	case len(s) >= 19 && (s[10] == ' ' || s[10] == 'T'):
		s = s[:10] + "T" + s[11:]
		layout = "2006-01-02T15:04:05"
		if len(s) > 19 {
			layout = "2006-01-02T15:04:05.999999"
		}
	case len(s) == 10:
		layout = "2006-01-02"
	default:
		return fmt.Errorf("Unknown date format: %s", s)
	}
	parsed, err := time.Parse(layout, s)
	t.Time = parsed
	return err
}

// ticketmatic.Event (the fields the fixtures use).
type Event struct {
	Id            int64  `json:"id"`
	Name          string `json:"name"`
	Subtitle      string `json:"subtitle"`
	Startts       Time   `json:"startts"`
	Endts         Time   `json:"endts"`
	Currentstatus int64  `json:"currentstatus"`
	Locationid    int64  `json:"locationid"`
	Locationname  string `json:"locationname"`
	Productionid  int64  `json:"productionid"`
	Webremark     string `json:"webremark"`
	Description   string `json:"description"`
	Image         string `json:"image"`
}

// ticketmatic.Contact.
type Contact struct {
	Id              int64  `json:"id"`
	Firstname       string `json:"firstname"`
	Lastname        string `json:"lastname"`
	Email           string `json:"email"`
	Languagecode    string `json:"languagecode"`
	Customertitleid int64  `json:"customertitleid"`
	Birthdate       Time   `json:"birthdate"`
	Status          string `json:"status"`
	Isdeleted       bool   `json:"isdeleted"`
	Createdts       Time   `json:"createdts"`
	Lastupdatets    Time   `json:"lastupdatets"`
}

// ticketmatic.OrderTicket.
type OrderTicket struct {
	Id            int64   `json:"id"`
	Orderid       int64   `json:"orderid"`
	Eventid       int64   `json:"eventid"`
	Pricetypeid   int64   `json:"pricetypeid"`
	Price         float64 `json:"price"`
	Servicecharge float64 `json:"servicecharge"`
	Ticketname    string  `json:"ticketname"`
	Barcode       string  `json:"barcode"`
}

// ticketmatic.Order.
type Order struct {
	Orderid        int64          `json:"orderid"`
	Code           string         `json:"code"`
	Customerid     int64          `json:"customerid"`
	Status         int64          `json:"status"`
	Paymentstatus  int64          `json:"paymentstatus"`
	Deliverystatus int64          `json:"deliverystatus"`
	Nbroftickets   int64          `json:"nbroftickets"`
	Totalamount    float64        `json:"totalamount"`
	Amountpaid     float64        `json:"amountpaid"`
	Saleschannelid int64          `json:"saleschannelid"`
	Expiryts       Time           `json:"expiryts"`
	Createdts      Time           `json:"createdts"`
	Lastupdatets   Time           `json:"lastupdatets"`
	Tickets        []*OrderTicket `json:"tickets"`
}

// ticketmatic.PriceType.
type PriceType struct {
	Id           int64  `json:"id"`
	Typeid       int64  `json:"typeid"`
	Name         string `json:"name"`
	Remark       string `json:"remark"`
	Isarchived   bool   `json:"isarchived"`
	Createdts    Time   `json:"createdts"`
	Lastupdatets Time   `json:"lastupdatets"`
}

// ticketmatic.SalesChannel.
type SalesChannel struct {
	Id                                        int64  `json:"id"`
	Typeid                                    int64  `json:"typeid"`
	Name                                      string `json:"name"`
	OrdermailtemplateidConfirmation           int64  `json:"ordermailtemplateid_confirmation"`
	OrdermailtemplateidConfirmationSendalways bool   `json:"ordermailtemplateid_confirmation_sendalways"`
	Isarchived                                bool   `json:"isarchived"`
	Createdts                                 Time   `json:"createdts"`
	Lastupdatets                              Time   `json:"lastupdatets"`
}

// ticketmatic.AccountInfo.
type AccountInfo struct {
	Id        int64   `json:"id"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	Image     string  `json:"image"`
	Lat       float64 `json:"lat"`
	Logo      string  `json:"logo"`
	Long      float64 `json:"long"`
	Shortname string  `json:"shortname"`
	Url       string  `json:"url"`
}

// ticketmatic.QueryRequest and ticketmatic.QueryResult.
type QueryRequest struct {
	Limit  int64  `json:"limit"`
	Offset int64  `json:"offset"`
	Query  string `json:"query"`
}

type QueryResult struct {
	Nbrofresults int64                    `json:"nbrofresults"`
	Results      []map[string]interface{} `json:"results"`
}

// The list results of tm-go's packages (events.List and the like).
type List[T any] struct {
	Data         []*T            `json:"data"`
	NbrOfResults int             `json:"nbrofresults"`
	Lookup       json.RawMessage `json:"lookup"`
}

// diagnostics.Timing's systemtime.
type Timing struct {
	Systemtime Time `json:"systemtime"`
}

// ticketmatic.RequestError: the error body, used when code > 0 and the
// message is not empty.
type RequestError struct {
	Code            int         `json:"code"`
	Message         string      `json:"message"`
	Applicationcode int         `json:"applicationcode"`
	Applicationdata interface{} `json:"applicationdata"`
}

var base string

// call sends a request signed as SPEC section 1 says (or with `sign`
// replaced, to be refused) and returns the status and body.
func call(method, accountSegment, path string, body interface{}, sign string) (int, []byte) {
	var reader io.Reader
	if body != nil {
		text, _ := json.Marshal(body)
		reader = bytes.NewReader(text)
	}
	req, err := http.NewRequest(method, fmt.Sprintf("%s/api/1/%s/%s", base, accountSegment, path), reader)
	must(err)
	signed := account
	if accountSegment == "_" {
		signed = ""
	}
	ts := time.Now().UTC().Format("2006-01-02T15:04:05")
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(accessKey + signed + ts))
	if sign == "" {
		sign = hex.EncodeToString(mac.Sum(nil))
	}
	req.Header.Set("Authorization", fmt.Sprintf("TM-HMAC-SHA256 key=%s ts=%s sign=%s", accessKey, ts, sign))
	req.Header.Set("User-Agent", "typed-client-go (tm-go's types)")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	must(err)
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	must(err)
	return resp.StatusCode, text
}

// decode reads `text` into `into` as tm-go would, refusing unknown fields.
func decode(what string, text []byte, into interface{}) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		fail("%s: Deserialization failed: %v in %s", what, err, text)
	}
}

// get decodes a 200 answer of GET path.
func get(accountSegment, path string, into interface{}) {
	status, text := call("GET", accountSegment, path, nil, "")
	if status != 200 {
		fail("GET %s: HTTP %d: %s", path, status, text)
	}
	decode("GET "+path, text, into)
}

// write sends `body` as tm-go's Create and Update do (POST PATH, PUT
// PATH/ID: the whole struct, `"id": 0` included) and decodes the 200 answer
// into a T, as they do.
func write[T any](method, path string, body T) T {
	status, text := call(method, account, path, body, "")
	if status != 200 {
		fail("%s %s: HTTP %d: %s", method, path, status, text)
	}
	var out T
	decode(method+" "+path, text, &out)
	return out
}

// refused decodes an error answer as tm-go's RequestError.
func refused(what string, status int, text []byte, want int) RequestError {
	var e RequestError
	decode(what, text, &e)
	if status != want || e.Code != want || e.Message == "" {
		fail("%s: want a RequestError %d with a message, got HTTP %d: %s", what, want, status, text)
	}
	return e
}

func must(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "typed client: "+format+"\n", args...)
	os.Exit(1)
}

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		fail(format, args...)
	}
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: go run . BASE_URL EXPORT_RECORDS")
	}
	base = strings.TrimRight(os.Args[1], "/")
	records, err := strconv.Atoi(os.Args[2])
	must(err)

	var timing Timing
	get(account, "diagnostics/time", &timing)
	check(!timing.Systemtime.IsZero(), "diagnostics/time: no systemtime")

	var events List[Event]
	get(account, "events", &events)
	check(len(events.Data) == events.NbrOfResults && events.NbrOfResults > 0, "events: %d items, nbrofresults %d", len(events.Data), events.NbrOfResults)
	var page List[Event]
	get(account, "events?limit=2&offset=1", &page)
	check(len(page.Data) == 2 && page.NbrOfResults == events.NbrOfResults && page.Data[0].Id == events.Data[1].Id,
		"events page: %d items from id %d, nbrofresults %d", len(page.Data), page.Data[0].Id, page.NbrOfResults)
	var event Event
	get(account, fmt.Sprintf("events/%d", events.Data[0].Id), &event)
	check(event.Name == events.Data[0].Name && !event.Startts.IsZero(), "events/ID: %+v", event)

	var contacts List[Contact]
	get(account, "contacts", &contacts)
	var contact Contact
	get(account, fmt.Sprintf("contacts/%d", contacts.Data[0].Id), &contact)
	check(contact.Email == contacts.Data[0].Email, "contacts/ID: %+v", contact)

	var orders List[Order]
	get(account, "orders", &orders)
	var order Order
	get(account, fmt.Sprintf("orders/%d", orders.Data[0].Orderid), &order)
	check(order.Code == orders.Data[0].Code && len(order.Tickets) > 0, "orders/ID: %+v", order)

	var pricetypes List[PriceType]
	get(account, "settings/pricing/pricetypes", &pricetypes)
	var saleschannels List[SalesChannel]
	get(account, "settings/ticketsales/saleschannels", &saleschannels)

	var accounts []*AccountInfo
	get("_", "tools/accounts", &accounts)
	check(len(accounts) == 1 && accounts[0].Shortname == account, "_/tools/accounts: %d accounts, first %+v", len(accounts), accounts[0])
	var info AccountInfo
	get(account, "tools/account", &info)
	check(info.Shortname == account, "tools/account: %+v", info)

	status, text := call("POST", account, "tools/queries", QueryRequest{Limit: 3, Offset: 1, Query: "select id from tm.contact"}, "")
	check(status == 200, "tools/queries: HTTP %d: %s", status, text)
	var result QueryResult
	decode("tools/queries", text, &result)
	check(result.Nbrofresults == 3 && len(result.Results) == 3, "tools/queries: %+v", result)

	// tm-go always sends limit 0 and offset 0 (no limit) and reads lines.
	status, text = call("POST", account, "tools/queries/export", QueryRequest{Query: "select id from tm.contact"}, "")
	check(status == 200, "tools/queries/export: HTTP %d: %s", status, text)
	lines := bufio.NewScanner(bytes.NewReader(text))
	lines.Buffer(nil, 1<<20)
	exported := 0
	for lines.Scan() {
		var row map[string]interface{}
		decode(fmt.Sprintf("export line %d", exported+1), lines.Bytes(), &row)
		exported++
	}
	must(lines.Err())
	check(exported == records, "tools/queries/export: %d records, want %d", exported, records)

	// Writes, as tm-go's contacts.Create/Update/Delete and events.Create/
	// Update/Delete make them; each read back as its Get reads it.
	ada := write("POST", "contacts", Contact{Firstname: "Ada", Lastname: "Lovelace", Email: "ada@example.org", Languagecode: "en"})
	check(ada.Id > 0 && ada.Firstname == "Ada", "contacts.Create: %+v", ada)
	var read Contact
	get(account, fmt.Sprintf("contacts/%d", ada.Id), &read)
	check(read.Email == ada.Email, "contacts.Get after Create: %+v", read)
	ada.Lastname = "King"
	king := write("PUT", fmt.Sprintf("contacts/%d", ada.Id), ada)
	check(king.Id == ada.Id && king.Lastname == "King" && king.Firstname == "Ada", "contacts.Update: %+v", king)
	status, text = call("DELETE", account, fmt.Sprintf("contacts/%d", ada.Id), nil, "")
	check(status == 200, "contacts.Delete: HTTP %d: %s", status, text)
	status, text = call("GET", account, fmt.Sprintf("contacts/%d", ada.Id), nil, "")
	refused("contacts.Get after Delete", status, text, 404)

	start := Time{time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC)}
	party := write("POST", "events", Event{Name: "New Year", Startts: start, Endts: start})
	check(party.Id > 0 && party.Name == "New Year" && party.Startts.Equal(start.Time), "events.Create: %+v", party)
	party.Subtitle = "with fireworks"
	party = write("PUT", fmt.Sprintf("events/%d", party.Id), party)
	var readEvent Event
	get(account, fmt.Sprintf("events/%d", party.Id), &readEvent)
	check(readEvent.Subtitle == "with fireworks", "events.Get after Update: %+v", readEvent)
	status, text = call("DELETE", account, fmt.Sprintf("events/%d", party.Id), nil, "")
	check(status == 200, "events.Delete: HTTP %d: %s", status, text)
	status, text = call("GET", account, fmt.Sprintf("events/%d", party.Id), nil, "")
	refused("events.Get after Delete", status, text, 404)
	status, text = call("POST", account, "contacts", map[string]interface{}{"firstname": 7}, "")
	bad := refused("a field of the wrong type", status, text, 400)

	status, text = call("GET", account, "events", nil, strings.Repeat("0", 64))
	e := refused("a wrong signature", status, text, 401)
	status, text = call("GET", account, "events/1", nil, "")
	refused("an unknown id", status, text, 404)

	fmt.Printf("typed client (tm-go's types): every fixture route decoded: %d events (a page of %d, one by id), %d contacts, %d orders, %d price types, %d sales channels, %d account; tools/queries %d rows; export %d records; contacts and events created, read, updated, deleted and gone (404); refusals decoded as RequestError (401: %q; 400: %q)\n",
		len(events.Data), len(page.Data), len(contacts.Data), len(orders.Data), len(pricetypes.Data), len(saleschannels.Data), len(accounts), result.Nbrofresults, exported, e.Message, bad.Message)
}
