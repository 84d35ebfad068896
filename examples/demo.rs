//! Prints the signed widget URL of the example in Ticketmatic's widget
//! documentation, and an API Authorization header for the current time signed
//! with the same (documentation) keys.
//!
//!     cargo run --example demo

use std::time::{SystemTime, UNIX_EPOCH};

use ticketmatic_sign::{Error, Signer, Timestamp};

fn main() -> Result<(), Error> {
    let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname")?;

    let params = [
        ("event", "123"),
        ("l", "fr"),
        ("returnurl", "http://www.ticketmatic.com"),
        ("skinid", "25"),
    ];
    let (mut url, mut payload) = ([0u8; 512], [0u8; 256]);
    let url = signer.widget_url("addtickets", &params, &mut url)?;
    println!("widget URL:    {url}");
    let signed = signer.widget_payload(&params, &mut payload)?;
    println!("  signed text: {signed}");

    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Error::TimeOutOfRange)?
        .as_secs();
    let now = Timestamp::from_unix(i64::try_from(secs).map_err(|_| Error::TimeOutOfRange)?)?;
    println!("Authorization: {}", signer.authorization_string(now));
    let signed = signer.authorization_payload(now, &mut payload)?;
    println!("  signed text: {signed}");
    Ok(())
}
