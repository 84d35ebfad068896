//! The case generator: cases for every rule of the SPEC, deterministic for
//! a seed. Case `i` of a run is made by rule `i mod R` (so every rule gets its
//! share of any run of at least R cases) from a random stream seeded by the
//! seed and `i`, so any one case can be replayed from its id's number.
//!
//! Expected results come from the reference ([`crate::reference::vector`]).
//! Inputs stay inside what the SPEC defines: access keys are 1 to 64 bytes of
//! visible ASCII (the 64-byte cap is this project's policy, not a rule, so no
//! case depends on it), accounts of API cases are plain path segments, and
//! the error cases are exactly the SPEC's refusals.

use serde_json::{json, Map, Value};
use ticketmatic_sign::{Signer, Timestamp};

use crate::case::{Case, Vector};
use crate::form;
use crate::reference;

/// A generator rule: its name (in case ids), what it covers, and how it
/// makes a case's inputs.
pub struct Rule {
    /// Short name, used in case ids: `gen-00042-widget-numeric-names`.
    pub name: &'static str,
    /// The SPEC rule it covers.
    pub covers: &'static str,
    make: fn(&mut Rng) -> Value,
}

/// Every rule, in the order cases cycle through them.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// `count` cases for `seed`, with their expected results.
/// The most cases one call generates: they are all held in memory (about
/// 1 KiB each), so a count is bounded before anything is allocated.
pub const MAX_GENERATED: usize = 100_000;

///
/// # Panics
///
/// When `count` is over [`MAX_GENERATED`].
pub fn generate(count: usize, seed: u64) -> Vec<Vector> {
    assert!(count <= MAX_GENERATED, "at most {MAX_GENERATED} cases");
    (0..count)
        .map(|index| {
            let rule = &RULES[index % RULES.len()];
            let mut rng = Rng::for_case(seed, index as u64);
            let mut fields = match (rule.make)(&mut rng) {
                Value::Object(fields) => fields,
                _ => unreachable!("rules make objects"),
            };
            let mut head = Map::new();
            head.insert(
                "id".into(),
                format!("gen-{seed}-{index:05}-{}", rule.name).into(),
            );
            head.append(&mut fields);
            let case = Case::new(head).expect("generated cases follow the case schema");
            reference::vector(case)
        })
        .collect()
}

/// SplitMix64 (Steele, Lea and Flood): a few lines whose output is fixed by
/// the algorithm, so a seed names the same cases in every version of the
/// kit and of its dependencies, which a general-purpose RNG crate does not
/// promise.
pub struct Rng(u64);

impl Rng {
    fn for_case(seed: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ index.wrapping_mul(0xD134_2543_DE82_EF95));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i as u64 + 1) as usize);
        }
    }
}

// ----- Inputs ----------------------------------------------------------------

const MAX_UNIX: i64 = 253_402_300_799;

/// Characters of every UTF-8 width, and some that sort differently in UTF-16.
const WIDE: [&str; 10] = [
    "é", "ß", "ü", "€", "中", "\u{FF5E}", "\u{FFFD}", "🎭", "𝄞", "😀",
];
/// RFC 3986 reserved characters, and the others a query gives meaning to.
const RESERVED: &str = ":/?#[]@!$&'()*+,;=%";

/// An access key: three in four of the form Ticketmatic issues (24 hex
/// digits), one in four with the punctuation the SPEC allows, which few
/// keys have but every implementation must encode. The share is chosen so
/// that the reports' headline (keys as Ticketmatic issues them) rests on
/// most cases, and the rest still finds every encoding defect.
fn access_key(rng: &mut Rng) -> String {
    match rng.below(8) {
        // The usual shape: 24 hex digits.
        0..=5 => (0..24).map(|_| hex_digit(rng)).collect(),
        // Any visible ASCII (some needs URL encoding in a widget URL).
        6 => (0..rng.between(1, 64))
            .map(|_| char::from(rng.between(0x21, 0x7E) as u8))
            .collect(),
        _ => {
            let len = rng.between(1, 64);
            (0..len)
                .map(|_| *rng.pick(&['a', 'Z', '9', '+', '&', '=', '%', '/']))
                .collect()
        }
    }
}

fn hex_digit(rng: &mut Rng) -> char {
    char::from(*rng.pick(b"0123456789abcdef"))
}

fn secret(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 | 1 => (0..48).map(|_| hex_digit(rng)).collect(),
        // Longer than the 64-byte HMAC block: hashed first.
        2 => (0..rng.between(65, 200)).map(|_| hex_digit(rng)).collect(),
        // UTF-8 text: the key is its bytes.
        _ => (0..rng.between(1, 20)).map(|_| text_piece(rng)).collect(),
    }
}

fn account(rng: &mut Rng) -> String {
    let len = rng.between(1, 16);
    let text: String = (0..len)
        .map(|_| char::from(*rng.pick(b"abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-._~")))
        .collect();
    if text == "." || text == ".." {
        "club".into()
    } else {
        text
    }
}

fn widget_name(rng: &mut Rng) -> String {
    rng.pick(&["addtickets", "checkout", "basket", "account", "subscribe"])
        .to_string()
}

/// A piece of a value: plain, reserved, space, `+`, `~`, `%` or wide.
fn text_piece(rng: &mut Rng) -> String {
    match rng.below(8) {
        0..=2 => (0..rng.between(1, 6))
            .map(|_| char::from(*rng.pick(b"abcxyzABCXYZ0189")))
            .collect(),
        3 => rng.pick(&RESERVED.chars().collect::<Vec<_>>()).to_string(),
        4 => " ".into(),
        5 => rng.pick(&["+", "~", "%", "%20", "-._"]).to_string(),
        _ => rng.pick(&WIDE).to_string(),
    }
}

fn value(rng: &mut Rng) -> String {
    if rng.chance(10) {
        return String::new();
    }
    (0..rng.between(1, 5)).map(|_| text_piece(rng)).collect()
}

fn plain_name(rng: &mut Rng) -> String {
    let len = rng.between(1, 10);
    (0..len)
        .map(|_| char::from(*rng.pick(b"abcdefghijklmnopqrstuvwxyz_")))
        .collect()
}

/// `count` distinct names that are none of `accesskey`, `signature`.
fn names(rng: &mut Rng, count: usize, make: impl Fn(&mut Rng) -> String) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    while names.len() < count {
        let name = make(rng);
        if !name.is_empty() && name != "accesskey" && name != "signature" && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

fn with_values(rng: &mut Rng, names: Vec<String>) -> Vec<(String, String)> {
    names.into_iter().map(|n| (n, value(rng))).collect()
}

fn some_params(rng: &mut Rng) -> Vec<(String, String)> {
    let count = rng.between(0, 8);
    let names = names(rng, count, plain_name);
    with_values(rng, names)
}

// ----- Cases -------------------------------------------------------------------

fn authorization(rng: &mut Rng, time: Value) -> Value {
    let mut case = json!({
        "kind": "authorization",
        "access_key": access_key(rng),
        "secret_key": secret(rng),
        "account": if rng.chance(15) { String::new() } else { account(rng) },
    });
    let key = if time.is_string() {
        "timestamp"
    } else {
        "unix_time"
    };
    case[key] = time;
    case
}

fn widget(rng: &mut Rng, params: Vec<(String, String)>) -> Value {
    json!({
        "kind": "widget",
        "access_key": access_key(rng),
        "secret_key": secret(rng),
        "account": account(rng),
        "widget": widget_name(rng),
        "params": params,
    })
}

fn time_of(year: u16, month: u8, day: u8, h: u8, m: u8, s: u8) -> i64 {
    Timestamp::from_fields(year, month, day, h, m, s)
        .map(|t| t.unix())
        .unwrap_or(0)
}

fn auth_unix_range(rng: &mut Rng) -> Value {
    let secs = rng.below(MAX_UNIX as u64 + 1) as i64;
    authorization(rng, secs.into())
}

fn auth_leap_days(rng: &mut Rng) -> Value {
    // Leap years, and 2100 which is not one (divisible by 100, not by 400).
    let year = *rng.pick(&[1972, 2000, 2024, 2028, 2100, 2400, 9996]);
    let around = *rng.pick(&[
        time_of(year, 2, 28, 23, 59, 59),
        time_of(year, 3, 1, 0, 0, 0),
        time_of(year, 2, 28, 12, 0, 0) + 86_400,
    ]);
    let secs = around + rng.below(5) as i64 - 2;
    authorization(rng, secs.into())
}

fn auth_range_edges(rng: &mut Rng) -> Value {
    let secs = *rng.pick(&[
        0,
        1,
        59,
        86_399,
        86_400,
        946_684_799,
        946_684_800,
        2_147_483_647,
        2_147_483_648,
        4_102_444_800,
        MAX_UNIX - 1,
        MAX_UNIX,
    ]);
    authorization(rng, secs.into())
}

fn auth_timestamp_text(rng: &mut Rng) -> Value {
    let secs = rng.below(MAX_UNIX as u64 + 1) as i64;
    let text = Timestamp::from_unix(secs)
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default();
    authorization(rng, text.into())
}

fn auth_account_less(rng: &mut Rng) -> Value {
    let mut case = auth_unix_range(rng);
    case["account"] = "".into();
    case
}

/// A CR, LF or space somewhere in the access key.
fn break_access_key(rng: &mut Rng, case: &mut Value) {
    let inject = if rng.chance(30) { "X-Evil: 1" } else { "" };
    let mut key = access_key(rng);
    // Within 64 bytes, so that the only fault is the byte itself.
    key.truncate(64 - 1 - inject.len());
    let at = rng.between(0, key.len());
    key.insert_str(at, inject);
    key.insert(at, *rng.pick(&['\r', '\n', ' ']));
    case["access_key"] = key.into();
}

fn auth_bad_access_key(rng: &mut Rng) -> Value {
    let mut case = auth_unix_range(rng);
    break_access_key(rng, &mut case);
    case
}

fn auth_empty_secret(rng: &mut Rng) -> Value {
    let mut case = auth_unix_range(rng);
    case["secret_key"] = "".into();
    case
}

fn auth_past_9999(rng: &mut Rng) -> Value {
    let beyond = if rng.chance(30) {
        0
    } else {
        rng.below(1_000_000_000_000) as i64
    };
    authorization(rng, (MAX_UNIX + 1 + beyond).into())
}

fn widget_reserved_characters(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    let pieces: Vec<char> = RESERVED.chars().chain([' ', '~', '+', '%']).collect();
    let special: String = (0..rng.between(1, 6)).map(|_| *rng.pick(&pieces)).collect();
    params.push((
        "returnurl".into(),
        format!("https://shop.example/a b?c=d&e={special}#f"),
    ));
    params.push((format!("n{special}"), special));
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

fn widget_utf8(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    for width in 0..4 {
        let pick: Vec<&str> = WIDE
            .iter()
            .copied()
            .filter(|c| c.len() == width + 1)
            .collect();
        let wide = if pick.is_empty() {
            "a".to_owned()
        } else {
            rng.pick(&pick).to_string()
        };
        params.push((format!("u{width}{wide}"), format!("x{wide}{}", value(rng))));
    }
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

fn widget_empty_values(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    params.push(("flow".into(), String::new()));
    params.push(("x".into(), String::new()));
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

/// `l` and `ordercode` are not signed; `L`, `Ordercode`, `ref` and
/// case variants of the reserved names are.
fn widget_unsigned_names(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    for name in [
        "l",
        "ordercode",
        "L",
        "Ordercode",
        "ref",
        "ORDERCODE",
        "AccessKey",
        "Signature",
    ] {
        if rng.chance(60) {
            params.push((name.into(), value(rng)));
        }
    }
    params.push(((*rng.pick(&["l", "ordercode"])).into(), "nl".into()));
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

/// Names that PHP would turn into integers and sort as numbers.
fn widget_numeric_names(rng: &mut Rng) -> Value {
    let mut params: Vec<(String, String)> = ["2", "10"]
        .iter()
        .map(|n| ((*n).to_owned(), value(rng)))
        .collect();
    for name in ["1", "57", "100", "9", "event", "a", "Z"] {
        if rng.chance(50) {
            params.push((name.into(), value(rng)));
        }
    }
    rng.shuffle(&mut params);
    widget(rng, params)
}

fn widget_prefix_names(rng: &mut Rng) -> Value {
    let base = plain_name(rng);
    let mut params = vec![
        (base.clone(), value(rng)),
        (format!("{base}a"), value(rng)),
        (format!("{base}_"), value(rng)),
        (format!("{base}ab"), value(rng)),
        (format!("{base}A"), value(rng)),
    ];
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

fn widget_upper_case_names(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    for name in ["Event", "EVENT", "event", "B", "a", "_x", "Z"] {
        if rng.chance(60) {
            params.push((name.into(), value(rng)));
        }
    }
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

/// Names whose order by UTF-16 code units (JavaScript's default sort) differs
/// from their order by UTF-8 bytes.
fn widget_utf16_order(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    params.push(("a\u{FF5E}".into(), value(rng)));
    params.push(("a\u{1F3AD}".into(), value(rng)));
    if rng.chance(50) {
        params.push(("a\u{E000}".into(), value(rng)));
    }
    dedupe(&mut params);
    rng.shuffle(&mut params);
    widget(rng, params)
}

/// More parameters than fit in one sorting pass of 32.
fn widget_many(rng: &mut Rng) -> Value {
    let count = rng.between(31, 80);
    let names = names(rng, count, plain_name);
    let params = with_values(rng, names);
    widget(rng, params)
}

fn widget_shuffled(rng: &mut Rng) -> Value {
    let params = some_params(rng);
    widget(rng, params)
}

fn widget_keys(rng: &mut Rng) -> Value {
    let mut case = widget_shuffled(rng);
    case["access_key"] = (0..rng.between(1, 64))
        .map(|_| char::from(rng.between(0x21, 0x7E) as u8))
        .collect::<String>()
        .into();
    case
}

const NOT_SEGMENTS: [&str; 14] = [
    "my/account",
    "../admin",
    "..",
    ".",
    "a b",
    "a?b",
    "a#b",
    "a%2Fb",
    "ünï",
    "a:b",
    "a@b",
    "a+b",
    "a&b",
    "a=b",
];

fn widget_bad_account(rng: &mut Rng) -> Value {
    let mut case = widget_shuffled(rng);
    case["account"] = (*rng.pick(&NOT_SEGMENTS)).into();
    case
}

fn widget_bad_widget_name(rng: &mut Rng) -> Value {
    let mut case = widget_shuffled(rng);
    case["widget"] = (*rng.pick(&NOT_SEGMENTS)).into();
    case
}

fn widget_repeated_name(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    let name = if params.is_empty() || rng.chance(30) {
        (*rng.pick(&["event", "l", "ordercode"])).to_owned()
    } else {
        params[0].0.clone()
    };
    params.push((name.clone(), value(rng)));
    params.push((name, value(rng)));
    rng.shuffle(&mut params);
    widget(rng, params)
}

fn widget_reserved_name(rng: &mut Rng) -> Value {
    let mut params = some_params(rng);
    let name = *rng.pick(&["accesskey", "signature"]);
    params.push((name.into(), value(rng)));
    rng.shuffle(&mut params);
    widget(rng, params)
}

fn widget_bad_access_key(rng: &mut Rng) -> Value {
    let mut case = widget_shuffled(rng);
    break_access_key(rng, &mut case);
    case
}

fn widget_empty_secret(rng: &mut Rng) -> Value {
    let mut case = widget_shuffled(rng);
    case["secret_key"] = "".into();
    case
}

/// Keeps the first of each name.
fn dedupe(params: &mut Vec<(String, String)>) {
    let mut seen = std::collections::BTreeSet::new();
    params.retain(|(name, _)| seen.insert(name.clone()));
}

// ----- Return URLs -------------------------------------------------------------

/// How a return URL's query is written: everything here decodes to the same
/// parameters.
struct Style {
    space_as_plus: bool,
    lower_hex: bool,
    encode_some_unreserved: bool,
    empty_pairs: bool,
}

impl Style {
    fn random(rng: &mut Rng) -> Style {
        Style {
            space_as_plus: rng.chance(50),
            lower_hex: rng.chance(30),
            encode_some_unreserved: rng.chance(20),
            empty_pairs: rng.chance(20),
        }
    }

    fn encode(&self, rng: &mut Rng, text: &str) -> String {
        let mut out = String::new();
        for byte in text.bytes() {
            if byte == b' ' && self.space_as_plus {
                out.push('+');
            } else if form::is_unreserved(byte) && !(self.encode_some_unreserved && rng.chance(20))
            {
                out.push(char::from(byte));
            } else if self.lower_hex {
                out.push_str(&format!("%{byte:02x}"));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }
}

/// A return URL's parts before they are joined: the parameters, and the
/// access key and signature that Ticketmatic adds.
struct ReturnUrl {
    key: String,
    secret: String,
    account: String,
    params: Vec<(String, String)>,
    signature: String,
    /// Written as raw `name=value` components, each already encoded.
    extra: Vec<String>,
    /// Leave out `accesskey` / `signature`.
    without_key: bool,
    without_signature: bool,
    /// Write a parameter with an empty value as a bare name.
    bare_empty: bool,
    /// The access key written in the query, when not the signer's.
    written_key: Option<String>,
}

impl ReturnUrl {
    /// A correctly signed return URL with random parameters.
    fn signed(rng: &mut Rng) -> ReturnUrl {
        let mut params = some_params(rng);
        if rng.chance(40) {
            params.push(((*rng.pick(&["l", "ordercode"])).into(), value(rng)));
        }
        if rng.chance(40) {
            params.push((
                "returnurl".into(),
                "https://shop.example/done?x=1&y=a b".into(),
            ));
        }
        dedupe(&mut params);
        let mut url = ReturnUrl {
            key: access_key(rng),
            secret: secret(rng),
            account: account(rng),
            params,
            signature: String::new(),
            extra: Vec::new(),
            without_key: false,
            without_signature: false,
            bare_empty: rng.chance(50),
            written_key: None,
        };
        url.signature = url.sign(&url.secret.clone());
        url
    }

    fn sign(&self, secret: &str) -> String {
        Signer::new(&self.key, secret.as_bytes(), &self.account)
            .and_then(|s| s.widget_signature(&self.params))
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default()
    }

    fn case(self, rng: &mut Rng) -> Value {
        let style = Style::random(rng);
        let mut parts: Vec<String> = self
            .params
            .iter()
            .map(|(name, value)| {
                let name = style.encode(rng, name);
                if value.is_empty() && self.bare_empty {
                    name
                } else {
                    format!("{name}={}", style.encode(rng, value))
                }
            })
            .collect();
        if !self.without_key {
            let key = self.written_key.as_deref().unwrap_or(&self.key);
            parts.push(format!("accesskey={}", style.encode(rng, key)));
        }
        if !self.without_signature {
            parts.push(format!("signature={}", self.signature));
        }
        parts.extend(self.extra);
        if rng.chance(50) {
            rng.shuffle(&mut parts);
        }
        if style.empty_pairs {
            let at = rng.between(0, parts.len());
            parts.insert(at, String::new());
            if rng.chance(50) {
                parts.push(String::new());
            }
        }
        json!({
            "kind": "return_url",
            "access_key": self.key,
            "secret_key": self.secret,
            "account": self.account,
            "query": parts.join("&"),
        })
    }
}

fn return_valid(rng: &mut Rng) -> Value {
    ReturnUrl::signed(rng).case(rng)
}

fn return_valueless(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    url.params.push(("flag".into(), String::new()));
    dedupe(&mut url.params);
    url.bare_empty = true;
    url.signature = url.sign(&url.secret.clone());
    url.case(rng)
}

/// Valid return URLs with the names PHP's `parse_str` rewrites (SPEC
/// section 4): `.` and spaces, brackets, digits only, and names it merges
/// into one. A verifier must read them as they are.
fn return_php_names(rng: &mut Rng) -> Value {
    const NAMES: [&str; 12] = [
        "a.b", "a b", "a[b]", "a[", "x[]", "57", "007", "0", "10", "9", " lead", ".dot",
    ];
    let mut url = ReturnUrl::signed(rng);
    for _ in 0..rng.between(1, 3) {
        url.params.push(((*rng.pick(&NAMES)).into(), value(rng)));
    }
    if rng.chance(50) {
        let base = plain_name(rng);
        url.params.push((format!("{base}.x"), value(rng)));
        url.params.push((format!("{base}_x"), value(rng)));
    }
    dedupe(&mut url.params);
    url.signature = url.sign(&url.secret.clone());
    url.case(rng)
}

fn return_tampered(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    url.params.push(("orderid".into(), "2715".into()));
    dedupe(&mut url.params);
    url.signature = url.sign(&url.secret.clone());
    for (name, value) in &mut url.params {
        if name == "orderid" {
            *value = "2716".into();
        }
    }
    url.case(rng)
}

fn return_signature_missing(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    url.without_signature = true;
    url.case(rng)
}

fn return_signature_wrong(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    let at = rng.between(0, 63);
    let mut digits: Vec<char> = url.signature.chars().collect();
    digits[at] = if digits[at] == '0' { '1' } else { '0' };
    url.signature = digits.into_iter().collect();
    url.case(rng)
}

fn return_signature_upper_case(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    url.signature = url.signature.to_uppercase();
    url.case(rng)
}

fn return_signature_other_key(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    let other = format!("{}x", url.secret);
    url.signature = url.sign(&other);
    url.case(rng)
}

fn return_access_key_wrong(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    url.written_key = Some(if rng.chance(50) {
        access_key(rng)
    } else {
        url.key.to_uppercase() + "0"
    });
    url.case(rng)
}

fn return_access_key_missing(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    url.without_key = true;
    url.case(rng)
}

fn return_bad_escape(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    let bad = *rng.pick(&["%zz", "%4", "%", "%G1", "%%41"]);
    url.extra.push(format!("note=a{bad}"));
    url.case(rng)
}

fn return_invalid_utf8(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    // A lone byte of a sequence, a continuation byte, an overlong form, a
    // surrogate, and a code point past U+10FFFF.
    let bad = *rng.pick(&[
        "%FF",
        "%C3",
        "%80",
        "%C0%AF",
        "%ED%A0%80",
        "%F4%90%80%80",
        "%e9",
    ]);
    if rng.chance(70) {
        url.extra.push(format!("note=x{bad}"));
    } else {
        url.extra.push(format!("n{bad}=1"));
    }
    url.case(rng)
}

fn return_repeated_name(rng: &mut Rng) -> Value {
    let mut url = ReturnUrl::signed(rng);
    let repeat = match rng.below(4) {
        0 => "accesskey=x".to_owned(),
        1 => format!("signature={}", url.signature),
        // The same name written two ways: `a b` as `a+b` and `a%20b`.
        2 => {
            url.params.push(("a b".into(), "1".into()));
            dedupe(&mut url.params);
            url.signature = url.sign(&url.secret.clone());
            "a%20b=2".to_owned()
        }
        _ => {
            url.params.push(("orderid".into(), "1".into()));
            dedupe(&mut url.params);
            url.signature = url.sign(&url.secret.clone());
            "orderid=1".to_owned()
        }
    };
    url.extra.push(repeat);
    url.case(rng)
}

macro_rules! rule {
    ($name:literal, $covers:literal, $make:ident) => {
        Rule {
            name: $name,
            covers: $covers,
            make: $make,
        }
    };
}

const RULES: &[Rule] = &[
    rule!(
        "auth-unix-range",
        "§1 timestamp: UTC, YYYY-MM-DDTHH:MM:SS, 1970 to 9999",
        auth_unix_range
    ),
    rule!(
        "auth-leap-days",
        "§1 timestamp: around 29 February, leap and century years",
        auth_leap_days
    ),
    rule!(
        "auth-range-edges",
        "§1 timestamp: first and last second, 2000, 2038",
        auth_range_edges
    ),
    rule!(
        "auth-timestamp-text",
        "§1 timestamp given already formatted",
        auth_timestamp_text
    ),
    rule!(
        "auth-account-less",
        "§1 account-less calls sign an empty account",
        auth_account_less
    ),
    rule!(
        "auth-bad-access-key",
        "§1 refuse CR, LF or space in the access key",
        auth_bad_access_key
    ),
    rule!(
        "auth-empty-secret",
        "§5 refuse an empty secret",
        auth_empty_secret
    ),
    rule!(
        "auth-past-9999",
        "§1 refuse timestamps past 9999-12-31T23:59:59",
        auth_past_9999
    ),
    rule!(
        "widget-reserved-characters",
        "§2 RFC 3986 encoding of reserved characters, space, +, ~, %",
        widget_reserved_characters
    ),
    rule!(
        "widget-utf8",
        "§2 UTF-8 of every width: signed raw, percent-encoded in the URL",
        widget_utf8
    ),
    rule!(
        "widget-empty-values",
        "§2 an empty value signs its bare name",
        widget_empty_values
    ),
    rule!(
        "widget-unsigned-names",
        "§2 only exactly l and ordercode are unsigned (L, Ordercode, ref are signed)",
        widget_unsigned_names
    ),
    rule!(
        "widget-numeric-names",
        "§2, §4 numeric names sort as bytes, not numbers",
        widget_numeric_names
    ),
    rule!(
        "widget-prefix-names",
        "§2 a prefix sorts before its extensions",
        widget_prefix_names
    ),
    rule!(
        "widget-upper-case-names",
        "§2 names are case-sensitive; upper case sorts first",
        widget_upper_case_names
    ),
    rule!(
        "widget-utf16-order",
        "§2 names sort by UTF-8 bytes, not UTF-16 code units",
        widget_utf16_order
    ),
    rule!("widget-many", "§2 sorting 31 to 80 parameters", widget_many),
    rule!(
        "widget-shuffled",
        "§2 any caller order; the URL keeps it",
        widget_shuffled
    ),
    rule!(
        "widget-access-keys",
        "§2 access keys that need encoding in the URL",
        widget_keys
    ),
    rule!(
        "widget-bad-account",
        "§2 refuse account names that are not plain path segments",
        widget_bad_account
    ),
    rule!(
        "widget-bad-widget-name",
        "§2 refuse widget names that are not plain path segments",
        widget_bad_widget_name
    ),
    rule!(
        "widget-repeated-name",
        "§2 refuse a name given twice",
        widget_repeated_name
    ),
    rule!(
        "widget-reserved-name",
        "§2 refuse accesskey and signature as parameters",
        widget_reserved_name
    ),
    rule!(
        "widget-bad-access-key",
        "§1 refuse CR, LF or space in the access key",
        widget_bad_access_key
    ),
    rule!(
        "widget-empty-secret",
        "§5 refuse an empty secret",
        widget_empty_secret
    ),
    rule!(
        "return-valid",
        "§3 decoding: + and %20, either hex case, shuffled, empty pairs",
        return_valid
    ),
    rule!(
        "return-valueless",
        "§3 a pair without = is a name with an empty value",
        return_valueless
    ),
    rule!(
        "return-php-names",
        "§4 names with '.', spaces, brackets or only digits, and names PHP's parse_str merges, read as they are",
        return_php_names
    ),
    rule!(
        "return-tampered",
        "§3 a changed parameter: signature mismatch",
        return_tampered
    ),
    rule!(
        "return-signature-missing",
        "§3 signature missing",
        return_signature_missing
    ),
    rule!(
        "return-signature-wrong",
        "§3 one digit of the signature changed: mismatch",
        return_signature_wrong
    ),
    rule!(
        "return-signature-upper-case",
        "§3 an upper-case signature does not match",
        return_signature_upper_case
    ),
    rule!(
        "return-signature-other-key",
        "§3 signed with another secret: mismatch",
        return_signature_other_key
    ),
    rule!(
        "return-access-key-wrong",
        "§3 another access key: bad access key",
        return_access_key_wrong
    ),
    rule!(
        "return-access-key-missing",
        "§3 no access key: bad access key",
        return_access_key_missing
    ),
    rule!(
        "return-bad-escape",
        "§3 refuse % without two hex digits",
        return_bad_escape
    ),
    rule!(
        "return-invalid-utf8",
        "§3 refuse escapes that decode to invalid UTF-8",
        return_invalid_utf8
    ),
    rule!(
        "return-repeated-name",
        "§3 refuse a name given twice (also accesskey, signature, a+b and a%20b)",
        return_repeated_name
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_cases_other_seed_other_cases() {
        let a = generate(200, 7);
        assert_eq!(a, generate(200, 7));
        assert_ne!(a, generate(200, 8));
        // A case does not depend on how many others were asked for.
        assert_eq!(generate(50, 7)[..], a[..50]);
    }

    /// Error rules make only refused cases, and other rules only accepted
    /// ones: a rule that drifted would test something other than it says.
    #[test]
    fn each_rule_makes_what_it_says() {
        let refusing = [
            "auth-bad-access-key",
            "auth-empty-secret",
            "auth-past-9999",
            "widget-bad-account",
            "widget-bad-widget-name",
            "widget-repeated-name",
            "widget-reserved-name",
            "widget-bad-access-key",
            "widget-empty-secret",
            "return-bad-escape",
            "return-invalid-utf8",
            "return-repeated-name",
        ];
        let verdicts = [
            ("return-valid", Some(true)),
            ("return-valueless", Some(true)),
            ("return-php-names", Some(true)),
            ("return-tampered", Some(false)),
            ("return-signature-missing", Some(false)),
            ("return-signature-wrong", Some(false)),
            ("return-signature-upper-case", Some(false)),
            ("return-signature-other-key", Some(false)),
            ("return-access-key-wrong", Some(false)),
            ("return-access-key-missing", Some(false)),
        ];
        for vector in generate(RULES.len() * 30, 1) {
            let id = vector.case.id();
            let rule = RULES.iter().find(|r| id.ends_with(r.name)).unwrap().name;
            assert_eq!(
                vector.expects_error(),
                refusing.contains(&rule),
                "{id}: {:?} {:?}",
                vector.case.fields(),
                vector.expected
            );
            if let Some((_, Some(valid))) = verdicts.iter().find(|(r, _)| *r == rule) {
                assert_eq!(
                    vector.expected["valid"],
                    *valid,
                    "{id}: {:?}",
                    vector.case.fields()
                );
            }
        }
    }

    #[test]
    fn access_keys_stay_within_the_spec() {
        for vector in generate(2000, 3) {
            let key = vector.case.text("access_key");
            assert!(!key.is_empty() && key.len() <= 64, "{key:?}");
        }
    }
}
