/* The C ABI from C: every function and every result code, with expected
 * values from ../shared/SPEC.md's examples and Ticketmatic's documentation
 * (not from this library). Built with -Wall -Wextra -Werror and run under
 * valgrind by ffi/tests/c/run.sh; exits 0 only if every check passed. */
#include <stdio.h>
#include <string.h>

#include "ticketmatic_sign.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        checks++;                                                            \
        if (!(cond)) {                                                       \
            failures++;                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define S(text) (text), strlen(text)
#define P(name, value) {(name), sizeof(name) - 1, (value), sizeof(value) - 1}  /* literals only */

/* The output is exactly `expected`. */
static int is(const char *buf, size_t len, const char *expected) {
    return len == strlen(expected) && memcmp(buf, expected, len) == 0;
}

/* The call failed with `code`, and its error record says so, about `field`. */
#define REFUSED(call, want, want_field)                                       \
    do {                                                                      \
        tm_error err_;                                                        \
        memset(&err_, 0xAB, sizeof err_);                                     \
        tm_error *error = &err_;                                              \
        tm_result got_ = (call);                                              \
        CHECK(got_ == (want));                                                \
        CHECK(err_.code == (want));                                           \
        CHECK(err_.field == (want_field));                                    \
        CHECK(err_.message_len > 0 && err_.message_len < TM_ERROR_MESSAGE_CAPACITY); \
        CHECK(err_.message[err_.message_len] == '\0');                        \
        CHECK(strlen(err_.message) == err_.message_len);                      \
        if (got_ != (want))                                                   \
            fprintf(stderr, "  got %d: %s\n", got_, err_.message);            \
        last_position = err_.position;                                        \
        memcpy(last_message, err_.message, sizeof last_message);              \
    } while (0)

static int64_t last_position;
static char last_message[TM_ERROR_MESSAGE_CAPACITY];

static tm_signer *make(const char *key, const char *secret, const char *account) {
    tm_signer *signer = NULL;
    tm_result r = tm_signer_new(S(key), (const uint8_t *)secret, strlen(secret),
                                S(account), NULL, 0, &signer, NULL);
    CHECK(r == TM_OK && signer != NULL);
    return signer;
}

static void test_version(void) {
    const char *v = tm_version();
    CHECK(v != NULL && strlen(v) > 0 && strchr(v, '.') != NULL);
}

static void test_signer_new(void) {
    tm_signer *signer = (tm_signer *)1; /* must be set to NULL on failure */
    const uint8_t secret[] = {'s'};
    REFUSED(tm_signer_new(S("abc\r\nX-Evil: 1"), secret, 1, S("club"), NULL, 0, &signer, error),
            TM_INVALID_BYTE, TM_FIELD_ACCESS_KEY);
    CHECK(signer == NULL);
    CHECK(strcmp(last_message, "access key: byte 3 (0x0d) is not allowed: use visible ASCII without spaces") == 0);
    REFUSED(tm_signer_new(S("key"), secret, 0, S("club"), NULL, 0, &signer, error),
            TM_EMPTY, TM_FIELD_SECRET_KEY);
    REFUSED(tm_signer_new(S(""), secret, 1, S("club"), NULL, 0, &signer, error),
            TM_EMPTY, TM_FIELD_ACCESS_KEY);
    REFUSED(tm_signer_new(S("key"), secret, 1, S(".."), NULL, 0, &signer, error),
            TM_DOT_SEGMENT, TM_FIELD_ACCOUNT);
    char long_key[66];
    memset(long_key, 'k', 65);
    long_key[65] = '\0';
    REFUSED(tm_signer_new(S(long_key), secret, 1, S("club"), NULL, 0, &signer, error),
            TM_TOO_LONG, TM_FIELD_ACCESS_KEY);
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("http://x/?a"), &signer, error),
            TM_INVALID_BYTE, TM_FIELD_BASE_URL);
    /* Not UTF-8: a lone continuation byte, at byte 2. */
    REFUSED(tm_signer_new(S("key"), secret, 1, S("ab\x80"), NULL, 0, &signer, error),
            TM_NOT_UTF8, TM_FIELD_ACCOUNT);
    /* NULL: the output, an input with a length; NULL with length 0 is empty. */
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), NULL, 0, NULL, error),
            TM_NULL_POINTER, TM_FIELD_OUTPUT);
    REFUSED(tm_signer_new(NULL, 3, secret, 1, S("club"), NULL, 0, &signer, error),
            TM_NULL_POINTER, TM_FIELD_ACCESS_KEY);
    CHECK(tm_signer_new(S("key"), secret, 1, NULL, 0, NULL, 0, &signer, NULL) == TM_OK);
    CHECK(signer != NULL);
    tm_signer_free(signer);
    tm_signer_free(NULL); /* ignored */
}

static void test_authorization(void) {
    /* SPEC 2 / tm-go's test: key xyz, secret xyz, account ticketmatic. */
    tm_signer *signer = make("xyz", "xyz", "ticketmatic");
    char buf[TM_AUTHORIZATION_CAPACITY];
    size_t len = 0;
    const char *want = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 "
                       "sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";
    CHECK(tm_authorization(signer, 1501346446, buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(is(buf, len, want));

    /* Too small: untouched, and the length needed. */
    char small[100];
    memset(small, '#', sizeof small);
    REFUSED(tm_authorization(signer, 1501346446, small, sizeof small, &len, error),
            TM_BUFFER_TOO_SMALL, TM_FIELD_OUTPUT);
    CHECK(len == strlen(want));
    for (size_t i = 0; i < sizeof small; i++) CHECK(small[i] == '#');

    REFUSED(tm_authorization(signer, -1, buf, sizeof buf, &len, error),
            TM_TIME_OUT_OF_RANGE, TM_FIELD_TIMESTAMP);
    REFUSED(tm_authorization(signer, 253402300800, buf, sizeof buf, &len, error),
            TM_TIME_OUT_OF_RANGE, TM_FIELD_TIMESTAMP);
    REFUSED(tm_authorization(NULL, 0, buf, sizeof buf, &len, error), TM_NULL_POINTER, TM_FIELD_SIGNER);
    REFUSED(tm_authorization(signer, 0, buf, sizeof buf, NULL, error), TM_NULL_POINTER, TM_FIELD_OUTPUT);
    REFUSED(tm_authorization(signer, 0, NULL, 10, &len, error), TM_NULL_POINTER, TM_FIELD_OUTPUT);

    CHECK(tm_authorization_payload(signer, 1501346446, buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(is(buf, len, "xyzticketmatic2017-07-29T16:40:46"));
    memset(small, '#', sizeof small);
    REFUSED(tm_authorization_payload(signer, 1501346446, small, 10, &len, error),
            TM_BUFFER_TOO_SMALL, TM_FIELD_OUTPUT);
    CHECK(len == 33);
    for (size_t i = 0; i < sizeof small; i++) CHECK(small[i] == '#');
    tm_signer_free(signer);
}

static void test_timestamp(void) {
    int64_t unix_time = 0;
    CHECK(tm_timestamp_parse(S("2017-07-29T16:40:46"), &unix_time, NULL) == TM_OK);
    CHECK(unix_time == 1501346446);
    REFUSED(tm_timestamp_parse(S("2017-07-29 16:40:46"), &unix_time, error),
            TM_TIMESTAMP_SYNTAX, TM_FIELD_TIMESTAMP);
    REFUSED(tm_timestamp_parse(S("2017-02-30T00:00:00"), &unix_time, error),
            TM_INVALID_DATE, TM_FIELD_TIMESTAMP);
    REFUSED(tm_timestamp_parse(S("2017-07-29T16:40:46"), NULL, error), TM_NULL_POINTER, TM_FIELD_OUTPUT);
    /* SPEC 7: a trailing Z says UTC, as the bare form does; nothing else is taken. */
    unix_time = 0;
    CHECK(tm_timestamp_parse(S("2017-07-29T16:40:46Z"), &unix_time, NULL) == TM_OK);
    CHECK(unix_time == 1501346446);
    REFUSED(tm_timestamp_parse(S("2017-07-29T16:40:46+00:00"), &unix_time, error),
            TM_TIMESTAMP_SYNTAX, TM_FIELD_TIMESTAMP);
}

/* SPEC 7: the base URL is https:// or http://, a host, port and path; the
   rest is refused, never stripped. */
static void test_base_url(void) {
    tm_signer *signer = (tm_signer *)1;
    const uint8_t secret[] = {'s'};
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("javascript:alert(1)"), &signer, error),
            TM_UNSUPPORTED_SCHEME, TM_FIELD_BASE_URL);
    CHECK(signer == NULL);
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("http://x\r\n.com"), &signer, error),
            TM_INVALID_BYTE, TM_FIELD_BASE_URL);
    CHECK(last_position == 8);
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("https://me:pw@x.com"), &signer, error),
            TM_USER_INFO, TM_FIELD_BASE_URL);
    CHECK(last_position == 13);
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("https://"), &signer, error),
            TM_INVALID_HOST, TM_FIELD_BASE_URL);
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("https://x.com:0"), &signer, error),
            TM_INVALID_PORT, TM_FIELD_BASE_URL);
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), S("https://x.com/?a=1"), &signer, error),
            TM_INVALID_BYTE, TM_FIELD_BASE_URL);
    /* NULL is "not given"; an empty text given is refused like any other. */
    REFUSED(tm_signer_new(S("key"), secret, 1, S("club"), "", 0, &signer, error), TM_EMPTY, TM_FIELD_BASE_URL);
    CHECK(tm_signer_new(S("key"), secret, 1, S("club"), S("http://127.0.0.1:8080/tm/"), &signer, NULL) == TM_OK);
    tm_signer_free(signer);
}

/* The key lookup of test_verify_authorization: one key pair, and what it saw. */
struct keys {
    const char *key, *secret;
    uint32_t answer; /* TM_OK: look the key up; anything else: return it */
    int calls;
    char seen[80];
};

static uint32_t lookup(void *userdata, const uint8_t *key, size_t key_len,
                       const uint8_t **secret_out, size_t *secret_len_out) {
    struct keys *keys = userdata;
    keys->calls++;
    snprintf(keys->seen, sizeof keys->seen, "%.*s", (int)key_len, (const char *)key);
    if (keys->answer != TM_OK) return keys->answer;
    if (key_len != strlen(keys->key) || memcmp(key, keys->key, key_len) != 0) return TM_UNKNOWN_ACCESS_KEY;
    *secret_out = (const uint8_t *)keys->secret;
    *secret_len_out = strlen(keys->secret);
    return TM_OK;
}

static void test_verify_authorization(void) {
    /* tm-go's test header: key xyz, secret xyz, account ticketmatic (SPEC 1). */
    const char *header = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 "
                         "sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";
    const int64_t at = 1501346446;
    struct keys keys = {"xyz", "xyz", TM_OK, 0, ""};
    CHECK(tm_verify_authorization(S(header), S("ticketmatic"), at, TM_DEFAULT_WINDOW_SECS, lookup, &keys, NULL) == TM_OK);
    CHECK(keys.calls == 1 && strcmp(keys.seen, "xyz") == 0);
    /* The window, either way, its edges included. */
    CHECK(tm_verify_authorization(S(header), S("ticketmatic"), at + 1800, 1800, lookup, &keys, NULL) == TM_OK);
    CHECK(tm_verify_authorization(S(header), S("ticketmatic"), at - 1800, 1800, lookup, &keys, NULL) == TM_OK);
    REFUSED(tm_verify_authorization(S(header), S("ticketmatic"), at + 1801, 1800, lookup, &keys, error),
            TM_TIMESTAMP_OUTSIDE_WINDOW, TM_FIELD_AUTHORIZATION);
    CHECK(strstr(last_message, "1801 s behind") != NULL);
    REFUSED(tm_verify_authorization(S(header), S("club"), at, 1800, lookup, &keys, error),
            TM_SIGNATURE_MISMATCH, TM_FIELD_SIGNATURE);
    struct keys other = {"abc", "xyz", TM_OK, 0, ""};
    REFUSED(tm_verify_authorization(S(header), S("ticketmatic"), at, 1800, lookup, &other, error),
            TM_UNKNOWN_ACCESS_KEY, TM_FIELD_AUTHORIZATION);
    struct keys wrong_secret = {"xyz", "xyZ", TM_OK, 0, ""};
    REFUSED(tm_verify_authorization(S(header), S("ticketmatic"), at, 1800, lookup, &wrong_secret, error),
            TM_SIGNATURE_MISMATCH, TM_FIELD_SIGNATURE);
    struct keys broken = {"xyz", "xyz", 7, 0, ""};
    REFUSED(tm_verify_authorization(S(header), S("ticketmatic"), at, 1800, lookup, &broken, error),
            TM_LOOKUP_FAILED, TM_FIELD_LOOKUP);
    CHECK(strstr(last_message, "returned 7") != NULL);
    /* A malformed header is refused before any lookup, with where it departs. */
    struct keys untouched = {"xyz", "xyz", TM_OK, 0, ""};
    REFUSED(tm_verify_authorization(S("TM-HMAC-SHA256 key=xyz ts=2017-07-29 16:40:46 sign=00"), S("ticketmatic"),
                                    at, 1800, lookup, &untouched, error),
            TM_MALFORMED_AUTHORIZATION, TM_FIELD_AUTHORIZATION);
    CHECK(last_position == 26);
    REFUSED(tm_verify_authorization(S("TM-HMAC-SHA256 key=x\r\nEvil: 1"), S("ticketmatic"), at, 1800, lookup,
                                    &untouched, error),
            TM_MALFORMED_AUTHORIZATION, TM_FIELD_AUTHORIZATION);
    CHECK(last_position == 20);
    CHECK(untouched.calls == 0);
    REFUSED(tm_verify_authorization(S(header), S("ticketmatic"), at, 1800, NULL, &keys, error),
            TM_NULL_POINTER, TM_FIELD_LOOKUP);
    REFUSED(tm_verify_authorization(S(header), S("ticketmatic"), -1, 1800, lookup, &keys, error),
            TM_TIME_OUT_OF_RANGE, TM_FIELD_TIMESTAMP);
    REFUSED(tm_verify_authorization(NULL, 5, S("ticketmatic"), at, 1800, lookup, &keys, error),
            TM_NULL_POINTER, TM_FIELD_AUTHORIZATION);
    REFUSED(tm_verify_authorization("TM-HMAC-SHA256 key=\xff", 20, S("ticketmatic"), at, 1800, lookup, &keys, error),
            TM_NOT_UTF8, TM_FIELD_AUTHORIZATION);
}

/* Ticketmatic's documented widget example (SPEC 3). */
static const tm_param DOC_PARAMS[] = {
    P("event", "123"),
    P("l", "fr"),
    P("returnurl", "http://www.ticketmatic.com"),
    P("skinid", "25"),
};
#define DOC_SIGNATURE "0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8"
#define DOC_URL                                                                      \
    "https://apps.ticketmatic.com/widgets/myaccountname/addtickets"                 \
    "?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25"          \
    "&accesskey=azertyuiop&signature=" DOC_SIGNATURE

static void test_widget(void) {
    tm_signer *signer = make("azertyuiop", "qsdfghjklm", "myaccountname");
    char buf[512];
    size_t len = 0;
    CHECK(tm_widget_signature(signer, DOC_PARAMS, 4, buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(is(buf, len, DOC_SIGNATURE));
    CHECK(tm_widget_url(signer, S("addtickets"), DOC_PARAMS, 4, buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(is(buf, len, DOC_URL));
    CHECK(tm_widget_payload(signer, DOC_PARAMS, 4, buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(is(buf, len, "azertyuiopmyaccountnameevent123returnurlhttp://www.ticketmatic.comskinid25"));

    /* Written only on success: a buffer one byte short is left as it was. */
    char small[sizeof DOC_URL];
    memset(small, '#', sizeof small);
    REFUSED(tm_widget_url(signer, S("addtickets"), DOC_PARAMS, 4, small, strlen(DOC_URL) - 1, &len, error),
            TM_BUFFER_TOO_SMALL, TM_FIELD_OUTPUT);
    CHECK(len == strlen(DOC_URL));
    for (size_t i = 0; i < sizeof small; i++) CHECK(small[i] == '#');
    REFUSED(tm_widget_signature(signer, DOC_PARAMS, 4, small, 63, &len, error),
            TM_BUFFER_TOO_SMALL, TM_FIELD_OUTPUT);
    CHECK(len == TM_SIGNATURE_LEN);
    REFUSED(tm_widget_payload(signer, DOC_PARAMS, 4, small, 20, &len, error),
            TM_BUFFER_TOO_SMALL, TM_FIELD_OUTPUT);
    for (size_t i = 0; i < sizeof small; i++) CHECK(small[i] == '#');
    /* An exact fit is enough. */
    CHECK(tm_widget_url(signer, S("addtickets"), DOC_PARAMS, 4, small, strlen(DOC_URL), &len, NULL) == TM_OK);
    CHECK(is(small, len, DOC_URL));

    /* Refusals name the parameter (0-based, in the caller's order). */
    const tm_param dup[] = {P("a", "1"), P("b", "2"), P("a", "3")};
    REFUSED(tm_widget_signature(signer, dup, 3, buf, sizeof buf, &len, error),
            TM_DUPLICATE_NAME, TM_FIELD_PARAMS);
    CHECK(last_position == 2 || last_position == 0);
    const tm_param reserved[] = {P("event", "1"), P("signature", "x")};
    REFUSED(tm_widget_url(signer, S("addtickets"), reserved, 2, buf, sizeof buf, &len, error),
            TM_RESERVED_NAME, TM_FIELD_PARAMS);
    CHECK(last_position == 1);
    const tm_param empty_name[] = {P("", "1")};
    REFUSED(tm_widget_payload(signer, empty_name, 1, buf, sizeof buf, &len, error),
            TM_EMPTY, TM_FIELD_PARAMS);
    CHECK(last_position == 0);
    const tm_param not_utf8[] = {P("event", "1"), P("name", "\xff")};
    REFUSED(tm_widget_signature(signer, not_utf8, 2, buf, sizeof buf, &len, error),
            TM_NOT_UTF8, TM_FIELD_PARAMS);
    CHECK(last_position == 1);
    const tm_param null_value[] = {{"event", 5, NULL, 3}};
    REFUSED(tm_widget_signature(signer, null_value, 1, buf, sizeof buf, &len, error),
            TM_NULL_POINTER, TM_FIELD_PARAMS);
    CHECK(last_position == 0);
    REFUSED(tm_widget_signature(signer, NULL, 2, buf, sizeof buf, &len, error),
            TM_NULL_POINTER, TM_FIELD_PARAMS);
    REFUSED(tm_widget_url(signer, S("add/tickets"), DOC_PARAMS, 4, buf, sizeof buf, &len, error),
            TM_INVALID_BYTE, TM_FIELD_WIDGET);
    REFUSED(tm_widget_url(signer, S("."), DOC_PARAMS, 4, buf, sizeof buf, &len, error),
            TM_DOT_SEGMENT, TM_FIELD_WIDGET);
    /* No parameters at all (NULL with count 0) is a valid list. */
    CHECK(tm_widget_url(signer, S("addtickets"), NULL, 0, buf, sizeof buf, &len, NULL) == TM_OK);
    tm_signer_free(signer);

    /* A widget URL needs an account; a base URL of one's own. */
    tm_signer *no_account = make("azertyuiop", "qsdfghjklm", "");
    REFUSED(tm_widget_url(no_account, S("addtickets"), DOC_PARAMS, 4, buf, sizeof buf, &len, error),
            TM_EMPTY, TM_FIELD_ACCOUNT);
    tm_signer_free(no_account);
    tm_signer *local = NULL;
    CHECK(tm_signer_new(S("azertyuiop"), (const uint8_t *)"qsdfghjklm", 10, S("myaccountname"),
                        S("http://127.0.0.1:8080/"), &local, NULL) == TM_OK);
    CHECK(tm_widget_url(local, S("addtickets"), DOC_PARAMS, 4, buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(len > 40 && memcmp(buf, "http://127.0.0.1:8080/widgets/myaccountname/addtickets?", 55) == 0);
    tm_signer_free(local);
}

/* The return URL of the core's documentation, signed by Ticketmatic's rules. */
#define RETURN_KEY "142dda885ec6024f934a40c1"
#define RETURN_SECRET "abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784"
#define RETURN_QUERY                                    \
    "orderid=2715&status=ok&accesskey=" RETURN_KEY      \
    "&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658"

static void test_return_url(void) {
    tm_signer *signer = make(RETURN_KEY, RETURN_SECRET, "club");
    CHECK(tm_verify_return_url(signer, S("https://shop.example/done?" RETURN_QUERY "#top"), NULL) == TM_OK);
    CHECK(tm_verify_return_url(signer, S(RETURN_QUERY), NULL) == TM_OK);
    REFUSED(tm_verify_return_url(signer, S("orderid=2716&status=ok&accesskey=" RETURN_KEY
                                           "&signature=313e4ce1ea0da73a2cf4b83d72f43c4ae832f3f0d66b6047d9892cef6f6f5658"),
                                 error),
            TM_SIGNATURE_MISMATCH, TM_FIELD_SIGNATURE);
    REFUSED(tm_verify_return_url(signer, S("orderid=2715&accesskey=" RETURN_KEY), error),
            TM_SIGNATURE_MISSING, TM_FIELD_RETURN_URL);
    REFUSED(tm_verify_return_url(signer, S("orderid=2715&accesskey=other&signature=00"), error),
            TM_BAD_ACCESS_KEY, TM_FIELD_RETURN_URL);
    REFUSED(tm_verify_return_url(signer, S("https://shop.example/done"), error), TM_NO_QUERY, TM_FIELD_RETURN_URL);
    REFUSED(tm_verify_return_url(signer, S("a=1&b=%zz"), error), TM_BAD_ESCAPE, TM_FIELD_RETURN_URL);
    CHECK(last_position == 6);
    REFUSED(tm_verify_return_url(signer, S("a=1&b=%ff"), error), TM_INVALID_UTF8, TM_FIELD_RETURN_URL);
    CHECK(last_position == 4);
    REFUSED(tm_verify_return_url(signer, S("a=1&a=2"), error), TM_DUPLICATE_NAME, TM_FIELD_RETURN_URL);
    REFUSED(tm_verify_return_url(NULL, S("a=1"), error), TM_NULL_POINTER, TM_FIELD_SIGNER);

    char buf[256];
    size_t len = 0;
    CHECK(tm_return_url_payload(signer, S(RETURN_QUERY), buf, sizeof buf, &len, NULL) == TM_OK);
    CHECK(is(buf, len, RETURN_KEY "cluborderid2715statusok"));
    REFUSED(tm_return_url_payload(signer, S("a=%4"), buf, sizeof buf, &len, error), TM_BAD_ESCAPE, TM_FIELD_RETURN_URL);
    memset(buf, '#', sizeof buf);
    REFUSED(tm_return_url_payload(signer, S(RETURN_QUERY), buf, 5, &len, error),
            TM_BUFFER_TOO_SMALL, TM_FIELD_OUTPUT);
    CHECK(len == strlen(RETURN_KEY "cluborderid2715statusok"));
    for (size_t i = 0; i < sizeof buf; i++) CHECK(buf[i] == '#');
    tm_signer_free(signer);
}

static void test_result_messages(void) {
    /* Every code has a text that starts with its own name. */
    static const struct {
        tm_result code;
        const char *name;
    } codes[] = {
        {TM_OK, "TM_OK"}, {TM_NULL_POINTER, "TM_NULL_POINTER"},
        {TM_BUFFER_TOO_SMALL, "TM_BUFFER_TOO_SMALL"}, {TM_NOT_UTF8, "TM_NOT_UTF8"},
        {TM_PANIC, "TM_PANIC"}, {TM_EMPTY, "TM_EMPTY"}, {TM_TOO_LONG, "TM_TOO_LONG"},
        {TM_INVALID_BYTE, "TM_INVALID_BYTE"}, {TM_DOT_SEGMENT, "TM_DOT_SEGMENT"},
        {TM_DUPLICATE_NAME, "TM_DUPLICATE_NAME"}, {TM_RESERVED_NAME, "TM_RESERVED_NAME"},
        {TM_TIMESTAMP_SYNTAX, "TM_TIMESTAMP_SYNTAX"}, {TM_INVALID_DATE, "TM_INVALID_DATE"},
        {TM_TIME_OUT_OF_RANGE, "TM_TIME_OUT_OF_RANGE"}, {TM_BAD_ESCAPE, "TM_BAD_ESCAPE"},
        {TM_INVALID_UTF8, "TM_INVALID_UTF8"}, {TM_NO_QUERY, "TM_NO_QUERY"},
        {TM_BAD_ACCESS_KEY, "TM_BAD_ACCESS_KEY"}, {TM_SIGNATURE_MISSING, "TM_SIGNATURE_MISSING"},
        {TM_SIGNATURE_MISMATCH, "TM_SIGNATURE_MISMATCH"}, {TM_LOOKUP_FAILED, "TM_LOOKUP_FAILED"},
        {TM_UNSUPPORTED_SCHEME, "TM_UNSUPPORTED_SCHEME"}, {TM_INVALID_HOST, "TM_INVALID_HOST"},
        {TM_USER_INFO, "TM_USER_INFO"}, {TM_INVALID_PORT, "TM_INVALID_PORT"},
        {TM_MALFORMED_AUTHORIZATION, "TM_MALFORMED_AUTHORIZATION"},
        {TM_UNKNOWN_ACCESS_KEY, "TM_UNKNOWN_ACCESS_KEY"},
        {TM_TIMESTAMP_OUTSIDE_WINDOW, "TM_TIMESTAMP_OUTSIDE_WINDOW"}, {TM_WRITE_FAILED, "TM_WRITE_FAILED"},
    };
    char buf[160];
    size_t len = 0;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(tm_result_message(codes[i].code, buf, sizeof buf, &len) == TM_OK);
        size_t n = strlen(codes[i].name);
        CHECK(len > n + 2 && memcmp(buf, codes[i].name, n) == 0 && buf[n] == ':');
    }
    CHECK(tm_result_message(9999, buf, sizeof buf, &len) == TM_OK);
    CHECK(is(buf, len, "not a tm_result code"));
    CHECK(tm_result_message(TM_OK, buf, 3, &len) == TM_BUFFER_TOO_SMALL);
    CHECK(len == strlen("TM_OK: success"));
    CHECK(tm_result_message(TM_OK, buf, sizeof buf, NULL) == TM_NULL_POINTER);
}

int main(void) {
    test_version();
    test_signer_new();
    test_authorization();
    test_timestamp();
    test_base_url();
    test_widget();
    test_return_url();
    test_verify_authorization();
    test_result_messages();
    /* TM_PANIC cannot be provoked from outside: it would mean a bug in
       the library; its text is checked above. */
    printf("ticketmatic_sign.h from C (%s): %d checks, %d failed\n", tm_version(), checks, failures);
    return failures == 0 ? 0 : 1;
}
