//! The offline commands: a header, a widget URL, a return-URL check, and
//! the signed texts ("explain"). Errors name the input as the user gave it.

use clap::Args;
use ticketmatic_sign::{Error, Field, Signer, Timestamp};

use crate::Failure;

#[derive(Args)]
pub struct HeaderArgs {
    /// The request time (UTC): now, Unix seconds, or YYYY-MM-DDTHH:MM:SS (a
    /// trailing Z is fine) [default: now]
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<When>,
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

fn parse_time(text: &str) -> Result<When, String> {
    if text == "now" {
        return Ok(When::Now);
    }
    let parsed = match text.parse::<i64>() {
        Ok(secs) => Timestamp::from_unix(secs),
        Err(_) => Timestamp::parse(text.strip_suffix('Z').unwrap_or(text)),
    };
    parsed.map(When::At).map_err(|e| {
        format!(
            "{e}; give now, Unix seconds (1795426016) or YYYY-MM-DDTHH:MM:SS in UTC \
             (2026-11-23T09:26:56, a trailing Z is fine)"
        )
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
        match self.at.unwrap_or(When::Now) {
            When::Now => Ok(Timestamp::now()?),
            When::At(ts) => Ok(ts),
        }
    }
}

pub fn header(signer: &Signer<'_>, args: &HeaderArgs) -> Result<String, Failure> {
    Ok(signer.authorization_string(args.time()?).to_string())
}

pub fn explain_header(signer: &Signer<'_>, args: &HeaderArgs) -> Result<String, Failure> {
    let ts = args.time()?;
    grown(|buf| signer.authorization_payload(ts, buf)).map_err(Failure::from)
}

pub fn widget_url(signer: &Signer<'_>, args: &WidgetArgs) -> Result<String, Failure> {
    let mut url = String::new();
    signer
        .write_widget_url(&args.widget, &args.params, &mut url)
        .map_err(|e| about_params(e, &args.params))?;
    Ok(url)
}

pub fn explain_widget(signer: &Signer<'_>, args: &WidgetArgs) -> Result<String, Failure> {
    grown(|buf| signer.widget_payload(&args.params, buf)).map_err(|e| about_params(e, &args.params))
}

/// `tm verify-return-url`: "valid", or why not (exit 1). Byte offsets in
/// errors count in the text as given, not in its query.
pub fn verify_return_url(signer: &Signer<'_>, given: &str) -> Result<String, Failure> {
    let start = given.find('?').map_or(0, |at| at + 1);
    let query = &given[start..];
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let shift = |offset: usize| offset + start;
    match signer.verify_return_url(query) {
        Ok(()) => Ok("valid".to_owned()),
        Err(e @ (Error::BadAccessKey | Error::SignatureMissing | Error::SignatureMismatch)) => {
            Err(Failure::no(e.to_string()))
        }
        // A query that cannot be read is bad input, not a verdict.
        Err(e) => Err(Failure::usage(
            match e {
                Error::BadEscape { offset } => Error::BadEscape {
                    offset: shift(offset),
                },
                Error::InvalidUtf8(Field::Query(offset)) => {
                    Error::InvalidUtf8(Field::Query(shift(offset)))
                }
                Error::DuplicateName(Field::Query(offset)) => {
                    Error::DuplicateName(Field::Query(shift(offset)))
                }
                other => other,
            }
            .to_string(),
        )),
    }
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
            "parameter {} of {}, {name}={value}: {reason}",
            index + 1,
            params.len()
        )),
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
