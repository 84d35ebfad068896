//! Puts memory.x where the linker finds it, and turns the vector files
//! (tests/vectors/*.json) into a Rust table, `$OUT_DIR/vectors.rs`, at every
//! build: there is no copy of the vectors to go stale.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::copy("memory.x", out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    let dir = Path::new("../tests/vectors");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().map_or(false, |e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "expected the shared and the project vector files in {}",
        dir.display()
    );
    let mut table = String::from("pub static VECTORS: &[Vector] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text = fs::read_to_string(file).unwrap();
        let doc = Parser::new(&text)
            .document()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(
            doc.get("format").and_then(Json::str),
            Some("ticketmatic-signing-vectors/1"),
            "{}",
            file.display()
        );
        for v in doc.get("vectors").and_then(Json::arr).expect("vectors") {
            vector(&mut table, v);
        }
    }
    table.push_str("];\n");
    fs::write(out.join("vectors.rs"), table).unwrap();
}

/// One vector as a `Vector { ... }` literal.
fn vector(out: &mut String, v: &Json) {
    // Optional fields as `Some(...)` / `None` literals.
    let text = |obj: &Json, key: &str| match obj.get(key).and_then(Json::str) {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    };
    let int = |key: &str| match v.get(key).and_then(Json::int) {
        Some(n) => format!("Some({n})"),
        None => "None".into(),
    };
    let expected = v.get("expected").expect("expected");
    let exp_bool = |key: &str| match expected.get(key) {
        Some(Json::Bool(b)) => format!("Some({b})"),
        _ => "None".into(),
    };
    let mut params = String::from("&[");
    for pair in v.get("params").and_then(Json::arr).unwrap_or(&[]) {
        let pair = pair.arr().expect("a parameter is a [name, value] pair");
        let _ = write!(
            params,
            "({:?}, {:?}), ",
            pair[0].str().unwrap(),
            pair[1].str().unwrap()
        );
    }
    params.push(']');
    let _ = writeln!(
        out,
        "    Vector {{ id: {id:?}, kind: {kind:?}, access_key: {ak:?}, secret_key: {sk:?}, account: {acc:?}, \
         unix_time: {ut}, timestamp: {ts}, widget: {w}, params: {params}, query: {q}, header: {h}, \
         now_unix: {now}, window_secs: {win}, expected: Expected {{ error: {err}, header: {eh}, payload: {ep}, \
         signature: {es}, url: {eu}, valid: {ev}, error_kind: {ek} }} }},",
        id = v.get("id").and_then(Json::str).unwrap(),
        kind = v.get("kind").and_then(Json::str).unwrap(),
        ak = v.get("access_key").and_then(Json::str).unwrap(),
        sk = v.get("secret_key").and_then(Json::str).unwrap(),
        acc = v.get("account").and_then(Json::str).unwrap(),
        ut = int("unix_time"),
        ts = text(v, "timestamp"),
        w = text(v, "widget"),
        q = text(v, "query"),
        h = text(v, "header"),
        now = int("now_unix"),
        win = int("window_secs"),
        err = matches!(expected.get("error"), Some(Json::Bool(true))),
        eh = text(expected, "header"),
        ep = text(expected, "payload"),
        es = text(expected, "signature"),
        eu = text(expected, "url"),
        ev = exp_bool("valid"),
        ek = text(expected, "error_kind"),
    );
}

// ----- A small JSON reader: the vector files are all this build needs one for.

enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    fn int(&self) -> Option<i64> {
        match *self {
            Json::Num(n) if n.fract() == 0.0 => Some(n as i64),
            _ => None,
        }
    }
    fn arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(items) => Some(items),
            _ => None,
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser { text, pos: 0 }
    }

    fn document(&mut self) -> Result<Json, String> {
        let value = self.value()?;
        self.space();
        if self.pos != self.text.len() {
            return Err(self.error("text after the document"));
        }
        Ok(value)
    }

    fn error(&self, what: &str) -> String {
        format!("JSON: {what} at byte {}", self.pos)
    }

    fn space(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.space();
        if self.text[self.pos..].starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.space();
        let rest = &self.text[self.pos..];
        if self.eat("null") {
            Ok(Json::Null)
        } else if self.eat("true") {
            Ok(Json::Bool(true))
        } else if self.eat("false") {
            Ok(Json::Bool(false))
        } else if rest.starts_with('"') {
            self.string().map(Json::Str)
        } else if self.eat("[") {
            let mut items = Vec::new();
            if !self.eat("]") {
                loop {
                    items.push(self.value()?);
                    if self.eat("]") {
                        break;
                    }
                    if !self.eat(",") {
                        return Err(self.error("expected ',' or ']'"));
                    }
                }
            }
            Ok(Json::Arr(items))
        } else if self.eat("{") {
            let mut fields = Vec::new();
            if !self.eat("}") {
                loop {
                    self.space();
                    let key = self.string()?;
                    if !self.eat(":") {
                        return Err(self.error("expected ':'"));
                    }
                    fields.push((key, self.value()?));
                    if self.eat("}") {
                        break;
                    }
                    if !self.eat(",") {
                        return Err(self.error("expected ',' or '}'"));
                    }
                }
            }
            Ok(Json::Obj(fields))
        } else {
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                .unwrap_or(rest.len());
            let number = rest[..len]
                .parse()
                .map_err(|_| self.error("expected a value"))?;
            self.pos += len;
            Ok(Json::Num(number))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if !self.text[self.pos..].starts_with('"') {
            return Err(self.error("expected a string"));
        }
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += at + 1;
                    return Ok(out);
                }
                '\\' => {
                    let (_, escape) = chars
                        .next()
                        .ok_or_else(|| self.error("unfinished escape"))?;
                    out.push(match escape {
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'u' => {
                            let bad = || self.error("bad \\u escape");
                            let first = hex4(&mut chars).ok_or_else(bad)?;
                            let code = if (0xD800..0xDC00).contains(&first) {
                                // A surrogate pair: the second half follows as \uXXXX.
                                match (chars.next(), chars.next()) {
                                    (Some((_, '\\')), Some((_, 'u'))) => {}
                                    _ => return Err(self.error("lone surrogate")),
                                }
                                let second = hex4(&mut chars).ok_or_else(bad)?;
                                0x10000
                                    + ((first - 0xD800) << 10)
                                    + (second.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                first
                            };
                            char::from_u32(code).ok_or_else(bad)?
                        }
                        _ => return Err(self.error("unknown escape")),
                    });
                }
                c => out.push(c),
            }
        }
        Err(self.error("unfinished string"))
    }
}

/// Four hex digits as a number.
fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(value)
}
