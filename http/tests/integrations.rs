//! The integrations against real servers and clients on 127.0.0.1: an axum
//! server behind `VerifyLayer`, called through reqwest with
//! `SignMiddleware` and through a hyper-util client behind `SignLayer`; and
//! the axum extractors. Expected values: the SPEC's worked examples and its
//! rules; each refusal reason is checked as a client reads it.
#![cfg(all(feature = "tower", feature = "axum", feature = "reqwest"))]

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::routing::get;
use axum::{Extension, Router};
use http_body_util::{BodyExt, Empty};
use serde_json::Value;
use ticketmatic_sign_http::axum::{
    ApiKeys, VerifiedAuthorization, VerifiedReturnUrl, WidgetSigner,
};
use ticketmatic_sign_http::reqwest::SignMiddleware;
use ticketmatic_sign_http::ticketmatic_sign::Signer;
use ticketmatic_sign_http::tower::{SignLayer, VerifyLayer};
use ticketmatic_sign_http::{Keys, Verified};

/// The documentation's example keys.
const KEY: &str = "azertyuiop";
const SECRET: &str = "qsdfghjklm";
const ACCOUNT: &str = "myaccountname";

fn signer(secret: &str, account: &str) -> Arc<Signer> {
    Arc::new(Signer::new(KEY, secret.as_bytes(), account).unwrap())
}

/// Serves `app` on 127.0.0.1; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// An API behind `VerifyLayer`: it answers who the request authenticated as.
async fn api() -> String {
    let keys = Keys::new()
        .with(KEY, SECRET, ACCOUNT)
        .with("clubkey", "s", "club");
    let app = Router::new()
        .route(
            "/api/1/{account}/events",
            get(|Extension(v): Extension<Verified>| async move { v.access_key }),
        )
        .layer(VerifyLayer::new(keys));
    serve(app).await
}

fn reqwest_client(signer: Arc<Signer>) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SignMiddleware::new(signer))
        .build()
}

#[tokio::test]
async fn reqwest_with_the_middleware_is_accepted_and_every_refusal_is_explained() {
    let base = api().await;
    let url = format!("{base}/api/1/{ACCOUNT}/events");
    let answer = reqwest_client(signer(SECRET, ACCOUNT))
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), KEY);

    let error = |status: u16, body: &str| {
        let json: Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], status, "{body}");
        assert!(!json["message"].as_str().unwrap().is_empty());
        json
    };
    // No signature at all.
    let answer = reqwest::get(&url).await.unwrap();
    assert_eq!(answer.status(), 401);
    assert_eq!(answer.headers()["content-type"], "application/json");
    let body = error(401, &answer.text().await.unwrap());
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("no Authorization header"));
    // A wrong secret: the text the server expected is given back.
    let answer = reqwest_client(signer("wrong", ACCOUNT))
        .get(&url)
        .send()
        .await
        .unwrap();
    let body = error(401, &answer.text().await.unwrap());
    let expected = body["applicationdata"]["expected_payload"]
        .as_str()
        .unwrap();
    assert!(
        expected.starts_with("azertyuiopmyaccountname"),
        "{expected}"
    );
    // The key of another account.
    let club = Arc::new(Signer::new("clubkey", b"s", ACCOUNT).unwrap());
    let answer = reqwest_client(club).get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 403);
    // A request the middleware cannot sign fails before it is sent.
    let other = format!("{base}/api/1/club/events");
    let err = reqwest_client(signer(SECRET, ACCOUNT))
        .get(&other)
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is not the signer's"), "{err}");
}

#[tokio::test]
async fn a_hyper_client_behind_the_sign_layer_is_accepted() {
    use tower::{Service, ServiceBuilder, ServiceExt};
    let base = api().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<bytes::Bytes>>();
    let mut service = ServiceBuilder::new()
        .layer(SignLayer::new(signer(SECRET, ACCOUNT)))
        .service(client);
    let request = http::Request::get(format!("{base}/api/1/{ACCOUNT}/events"))
        .body(Empty::new())
        .unwrap();
    let response = service.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, KEY);
}

#[derive(Clone)]
struct Shop {
    widgets: WidgetSigner,
    keys: ApiKeys,
}

impl FromRef<Shop> for WidgetSigner {
    fn from_ref(shop: &Shop) -> WidgetSigner {
        shop.widgets.clone()
    }
}

impl FromRef<Shop> for ApiKeys {
    fn from_ref(shop: &Shop) -> ApiKeys {
        shop.keys.clone()
    }
}

#[tokio::test]
async fn the_extractors_verify_return_urls_and_headers() {
    let widgets = signer(SECRET, ACCOUNT);
    let shop = Shop {
        widgets: WidgetSigner(widgets.clone()),
        keys: ApiKeys(Arc::new(Keys::new().with(KEY, SECRET, ACCOUNT))),
    };
    let app = Router::new()
        .route(
            "/done",
            get(|url: VerifiedReturnUrl| async move {
                format!("order {}", url.get("orderid").unwrap_or("?"))
            }),
        )
        .route(
            "/api/1/{account}/me",
            get(|VerifiedAuthorization(v): VerifiedAuthorization, State(_): State<Shop>| async move {
                v.access_key
            }),
        )
        .with_state(shop);
    let base = serve(app).await;

    // What Ticketmatic sends back: the parameters, the access key and the
    // widget signature over them (SPEC section 3).
    let params = [("orderid", "2715"), ("l", "nl"), ("status", "paid ✓")];
    let signature = widgets.widget_signature(&params).unwrap();
    let mut buf = [0u8; 1024];
    let widget_url = widgets.widget_url("x", &params, &mut buf).unwrap();
    let query = widget_url.split_once('?').unwrap().1;
    assert!(query.ends_with(&format!("signature={signature}")));
    let answer = reqwest::get(format!("{base}/done?{query}")).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "order 2715");

    for (query, reason) in [
        (query.replace("2715", "2716"), "signature_mismatch"),
        (
            query.replace("accesskey=azertyuiop", "accesskey=other"),
            "bad_access_key",
        ),
        (
            query.split("&signature=").next().unwrap().to_owned(),
            "signature_missing",
        ),
        ("a=%zz".to_owned(), "bad_escape"),
        (String::new(), "bad_access_key"),
    ] {
        let answer = reqwest::get(format!("{base}/done?{query}")).await.unwrap();
        assert_eq!(answer.status(), 400, "{query}");
        let text = answer.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["applicationdata"]["reason"], reason, "{query}: {text}");
        assert!(
            !text.contains(signature.as_str()),
            "never the signature: {text}"
        );
    }

    let me = format!("{base}/api/1/{ACCOUNT}/me");
    let answer = reqwest_client(signer(SECRET, ACCOUNT))
        .get(&me)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.text().await.unwrap(), KEY);
    let answer = reqwest::get(&me).await.unwrap();
    assert_eq!(answer.status(), 401);
}
