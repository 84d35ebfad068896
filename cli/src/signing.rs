//! The offline commands: a header, a widget URL, a return-URL check, and
//! the signed texts ("explain"). Errors name the input as the user gave it.

use clap::Args;
use ticketmatic_sign::{Error, Field, Signer, Timestamp};

use crate::Failure;

#[derive(Args)]
pub struct HeaderArgs {
    /// The request time (UTC): now, Unix seconds, or YYYY-MM-DDTHH:MM:SS (a
    /// trailing Z is fine) [default: now]
    // Read when the command runs, not by clap: a refusal of the core then
    // reports its reason code like every other.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    at: Option<String>,
}

#[derive(Args)]
pub struct WidgetArgs {
    /// The widget's name, for example addtickets.
    widget: String,
    /// Parameters as name=value, in the order they go into the URL (values
    /// are given raw, not URL-encoded).
    #[arg(value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
}

#[derive(Clone, Copy)]
enum When {
    Now,
    At(Timestamp),
}

fn parse_time(text: &str) -> Result<When, Failure> {
    if text == "now" {
        return Ok(When::Now);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let parsed = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Unix seconds; a number too large for any clock is out of range.
        text.parse::<i64>()
            .map_err(|_| Error::TimeOutOfRange)
            .and_then(Timestamp::from_unix)
    } else {
        Timestamp::parse(text)
    };
    parsed.map(When::At).map_err(|e| {
        Failure::usage(format!(
            "--at {text:?}: {e}; give now, Unix seconds (1795426016) or \
             YYYY-MM-DDTHH:MM:SS in UTC (2026-11-23T09:26:56, a trailing Z is fine)"
        ))
        .because(e)
    })
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) => Ok((name.to_owned(), value.to_owned())),
        None => Err(format!("'{text}' is not NAME=VALUE")),
    }
}

impl HeaderArgs {
    fn time(&self) -> Result<Timestamp, Failure> {
        let when = match &self.at {
            Some(text) => parse_time(text)?,
            None => When::Now,
        };
        match when {
            When::Now => Ok(Timestamp::now()?),
            When::At(ts) => Ok(ts),
        }
    }
}

pub fn header(signer: &Signer, args: &HeaderArgs) -> Result<String, Failure> {
    Ok(signer.authorization_string(args.time()?).to_string())
}

pub fn explain_header(signer: &Signer, args: &HeaderArgs) -> Result<String, Failure> {
    let ts = args.time()?;
    grown(|buf| signer.authorization_payload(ts, buf)).map_err(Failure::from)
}

pub fn widget_url(signer: &Signer, args: &WidgetArgs) -> Result<String, Failure> {
    let mut url = String::new();
    signer
        .write_widget_url(&args.widget, &args.params, &mut url)
        .map_err(|e| about_params(e, &args.params))?;
    Ok(url)
}

pub fn explain_widget(signer: &Signer, args: &WidgetArgs) -> Result<String, Failure> {
    grown(|buf| signer.widget_payload(&args.params, buf)).map_err(|e| about_params(e, &args.params))
}

/// `tm verify-return-url`: "valid", or why not (exit 1). The crate reads
/// the URL as given (a URL, `?query` or query) and counts error offsets in it.
pub fn verify_return_url(signer: &Signer, given: &str) -> Result<String, Failure> {
    match signer.verify_return_url(given) {
        Ok(_) => Ok("valid".to_owned()),
        Err(e) => Err(refusal(signer, given, e)),
    }
}

/// `tm explain return-url`: the signed text, the URL's signature, and the
/// verdict; exit 0 whatever the verdict, 1 for a query that cannot be read.
pub fn explain_return_url(signer: &Signer, given: &str) -> Result<String, Failure> {
    let payload = grown(|buf| signer.return_url_payload(given, buf))
        .map_err(|e| refusal(signer, given, e))?;
    let verdict = match signer.verify_return_url(given) {
        Ok(_) => "valid: the signature is the signed text's".to_owned(),
        Err(Error::SignatureMismatch) => {
            "does not match: the signature is not the signed text's under this secret key".into()
        }
        Err(e) => refusal(signer, given, e).message,
    };
    let signature = parameter(given, "signature").unwrap_or_else(|| "(none)".into());
    Ok(format!(
        "signed text: {payload}\nsignature:   {signature}\nverdict:     {verdict}"
    ))
}

/// A parameter's decoded value, for messages only (the crate decides).
fn parameter(given: &str, name: &str) -> Option<String> {
    let query = given.split_once('?').map_or(given, |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// What to tell the user, exit 1 either way: a verdict that says what was
/// compared, or why the URL is not one that can be read. What the URL holds
/// is shown with its control characters escaped (a URL given may hold
/// CR, LF or terminal escapes).
fn refusal(signer: &Signer, given: &str, e: Error) -> Failure {
    match e {
        Error::BadAccessKey => Failure::no(match parameter(given, "accesskey") {
            None => "the query has no accesskey parameter".to_owned(),
            Some(key) => format!(
                "the query's accesskey is '{}', this signer's is '{}'",
                shown(&key),
                signer.access_key()
            ),
        })
        .because(e),
        Error::SignatureMissing => Failure::no(e.to_string()).because(e),
        Error::SignatureMismatch => {
            let payload = grown(|buf| signer.return_url_payload(given, buf)).unwrap_or_default();
            Failure::no(format!(
                "{e}: the query's signature {} is not that of the signed text \
                 '{}' under this secret key (a changed parameter, or another key \
                 pair; tm explain return-url shows both)",
                shown(&parameter(given, "signature").unwrap_or_default()),
                shown(&payload)
            ))
            .because(e)
        }
        // Not a return URL that can be read: the check says no, too.
        other => Failure::no(format!("return URL: {other}")).because(other),
    }
}

/// Text from the user or a URL as a message shows it: control characters
/// (CR, LF, ESC...) escaped, so that it cannot rewrite the terminal.
pub fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// An error about a widget parameter, naming it as it was given.
fn about_params(e: Error, params: &[(String, String)]) -> Failure {
    let index = match e {
        Error::Empty(Field::Param(i))
        | Error::DuplicateName(Field::Param(i))
        | Error::ReservedName(Field::Param(i)) => i,
        other => return other.into(),
    };
    let text = e.to_string();
    let reason = text
        .split_once(": ")
        .map_or(text.as_str(), |(_, reason)| reason);
    match params.get(index) {
        Some((name, value)) => Failure::usage(format!(
            "parameter {} of {}, {}={}: {reason}",
            index + 1,
            params.len(),
            shown(name),
            shown(value)
        ))
        .because(e),
        None => e.into(),
    }
}

/// Runs a writer into a buffer, growing it to the size it asks for.
pub fn grown(mut write: impl FnMut(&mut [u8]) -> Result<&str, Error>) -> Result<String, Error> {
    let mut buf = vec![0u8; 256];
    loop {
        match write(&mut buf) {
            Ok(text) => return Ok(text.to_owned()),
            Err(Error::BufferTooSmall { needed }) => buf.resize(needed, 0),
            Err(e) => return Err(e),
        }
    }
}
