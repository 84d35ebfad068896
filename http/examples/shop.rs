//! A shop on axum that sells through a Ticketmatic widget: `/buy` sends the
//! customer to a signed widget URL, and `/done` is the return URL
//! Ticketmatic redirects back to, verified before the order is believed.
//!
//!     cargo run -p ticketmatic-sign-http --features axum --example shop
//!
//! serves on 127.0.0.1:8080 with the documentation's example keys (set
//! TM_WIDGET_ACCESS_KEY, TM_WIDGET_SECRET_KEY and TM_ACCOUNT for your own).
//! With `--check` it serves on a free port, plays the customer and
//! Ticketmatic once (the redirect, a genuine return, a tampered one), prints
//! what it saw and exits: 0 when the shop behaved.

use std::future::IntoFuture;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header::LOCATION, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use ticketmatic_sign_http::axum::{VerifiedReturnUrl, WidgetSigner};
use ticketmatic_sign_http::ticketmatic_sign::Signer;

#[derive(Clone)]
struct Shop {
    widgets: WidgetSigner,
    /// Where Ticketmatic sends the customer back.
    return_url: String,
}

impl axum::extract::FromRef<Shop> for WidgetSigner {
    fn from_ref(shop: &Shop) -> WidgetSigner {
        shop.widgets.clone()
    }
}

/// `/buy`: a redirect to the signed widget URL of event 123.
async fn buy(State(shop): State<Shop>) -> Response {
    let params = [
        ("event", "123"),
        ("l", "en"),
        ("returnurl", shop.return_url.as_str()),
    ];
    let mut url = String::new();
    match shop
        .widgets
        .0
        .write_widget_url("addtickets", &params, &mut url)
    {
        Ok(()) => (StatusCode::SEE_OTHER, [(LOCATION, url)]).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// `/done`: only a verified return URL gets here; any other is answered
/// 400 with the reason by the extractor.
async fn done(url: VerifiedReturnUrl) -> String {
    format!(
        "thank you: order {} is {}",
        url.get("orderid").unwrap_or("(none)"),
        url.get("status").unwrap_or("(no status)")
    )
}

fn app(shop: Shop) -> Router {
    Router::new()
        .route("/buy", get(buy))
        .route("/done", get(done))
        .with_state(shop)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let check = std::env::args().any(|a| a == "--check");
    let var = |name: &str, demo: &str| std::env::var(name).unwrap_or_else(|_| demo.to_owned());
    let (key, secret, account) = (
        var("TM_WIDGET_ACCESS_KEY", "azertyuiop"),
        var("TM_WIDGET_SECRET_KEY", "qsdfghjklm"),
        var("TM_ACCOUNT", "myaccountname"),
    );
    // Built from runtime configuration and shared by every request.
    let signer = Arc::new(Signer::new(&key, secret.as_bytes(), &account)?);
    let listener = tokio::net::TcpListener::bind(if check {
        "127.0.0.1:0"
    } else {
        "127.0.0.1:8080"
    })
    .await?;
    let base = format!("http://{}", listener.local_addr()?);
    let shop = Shop {
        widgets: WidgetSigner(signer.clone()),
        return_url: format!("{base}/done"),
    };
    println!("shop on {base}: {base}/buy sends you to Ticketmatic");
    let server = tokio::spawn(axum::serve(listener, app(shop)).into_future());
    if !check {
        server.await??;
        return Ok(());
    }
    let shopper = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    let redirect = shopper.get(format!("{base}/buy")).send().await?;
    let widget_url = redirect.headers()[LOCATION.as_str()].to_str()?.to_owned();
    println!("GET /buy -> {} {widget_url}", redirect.status().as_u16());

    // Ticketmatic's redirect after payment: the return URL with the order's
    // parameters, the access key and the widget signature over them.
    let order = [("orderid", "2715"), ("status", "paid")];
    let mut buf = [0u8; 512];
    let signed = signer.widget_url("x", &order, &mut buf)?;
    let query = signed.split_once('?').map_or("", |(_, q)| q).to_owned();
    let genuine = shopper.get(format!("{base}/done?{query}")).send().await?;
    let (genuine_status, genuine_text) = (genuine.status(), genuine.text().await?);
    println!(
        "GET /done?{query} -> {} {genuine_text}",
        genuine_status.as_u16()
    );

    let forged = query.replace("paid", "free");
    let tampered = shopper.get(format!("{base}/done?{forged}")).send().await?;
    let (tampered_status, tampered_text) = (tampered.status(), tampered.text().await?);
    println!(
        "GET /done?{forged} -> {} {tampered_text}",
        tampered_status.as_u16()
    );

    let behaved = widget_url.contains("/widgets/")
        && widget_url.contains("&signature=")
        && genuine_status == StatusCode::OK
        && genuine_text == "thank you: order 2715 is paid"
        && tampered_status == StatusCode::BAD_REQUEST
        && tampered_text.contains("signature_mismatch");
    println!(
        "{}",
        if behaved {
            "shop check: ok"
        } else {
            "shop check: FAILED"
        }
    );
    std::process::exit(if behaved { 0 } else { 1 });
}
