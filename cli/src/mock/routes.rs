//! What answers which path. Under `/api/1/{account}/` (`_` for account-less
//! calls, trailing slashes tolerated):
//!
//! | path                   | authentication | methods | answer                      |
//! |------------------------|----------------|---------|-----------------------------|
//! | `diagnostics/time`     | none           | GET     | the server's time           |
//! | `tools/queries/export` | required       | POST    | the `--data` records, streamed |
//! | `tools/queries`        | required       | POST    | the `--data` records as a QueryResult |
//! | anything else          | required       | GET     | a `--fixtures` answer, or 404 |
//! | a `--fixtures` list    | required       | POST    | creates an item (the next id) |
//! | its `PATH/ID`          | required       | PUT, DELETE | updates, deletes the item |
//!
//! and `GET /widgets/{account}/{widget}?...`, which checks the URL's own
//! signature. Authentication comes before everything but the path, so a 401
//! always means the authentication and a 404 means it was fine.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use ticketmatic_sign::Timestamp;

use super::auth;
use super::export::Stream;
use super::log::{Logged, Record};
use super::problem::{json_response, Problem, Respond};
use super::server::Body;
use super::widgets;
use super::State;

/// What answers an API path.
#[derive(Clone, Copy)]
enum Handler {
    Time,
    Export,
    Queries,
    Fixture,
}

struct Route {
    path: &'static str,
    signed: bool,
    method: Method,
    handler: Handler,
}

const ROUTES: [Route; 3] = [
    Route {
        path: "diagnostics/time",
        signed: false,
        method: Method::GET,
        handler: Handler::Time,
    },
    Route {
        path: "tools/queries/export",
        signed: true,
        method: Method::POST,
        handler: Handler::Export,
    },
    Route {
        path: "tools/queries",
        signed: true,
        method: Method::POST,
        handler: Handler::Queries,
    },
];

/// Any other API path.
const OTHER: Route = Route {
    path: "",
    signed: true,
    method: Method::GET,
    handler: Handler::Fixture,
};

/// Answers one request, and logs it when the answer is done.
pub async fn answer(state: Arc<State>, request: Request<Incoming>) -> Response<Body> {
    let mut record = Record {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        auth: "none".into(),
        verdict: "open",
        ..Record::default()
    };
    let response = match server_time(&state) {
        Ok(now) => {
            record.time = now.as_str().to_owned();
            route(&state, request, now, &mut record).await
        }
        Err(problem) => problem.response(),
    };
    record.status = response.status().as_u16();
    match &state.log {
        Some(log) => response.map(|body| Logged::new(body, record, log.clone()).boxed()),
        None => response,
    }
}

/// This machine's clock shifted by `--clock-offset`.
fn server_time(state: &State) -> Result<Timestamp, Problem> {
    Timestamp::now()
        .and_then(|t| Timestamp::from_unix(t.unix() + state.options.clock_offset))
        .map_err(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("server clock: {e}"),
            )
        })
}

async fn route(
    state: &State,
    request: Request<Incoming>,
    now: Timestamp,
    record: &mut Record,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let segments: Vec<&str> = path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .splitn(4, '/')
        .collect();
    match segments.as_slice() {
        ["api", "1", account, rest @ ..] => {
            let rest = rest.first().copied().unwrap_or("");
            api(state, request, now, record, account, rest, &query).await
        }
        ["widgets", account, widget] if request.method() == Method::GET => {
            match widgets::check(&state.widget, account, widget, &query) {
                Ok(body) => {
                    record.verdict = "accepted";
                    json_response(StatusCode::OK, &body)
                }
                Err(problem) => {
                    // A widget URL's signature is its authentication.
                    record.verdict = "refused";
                    record.reason = Some(problem.message.clone());
                    problem.response()
                }
            }
        }
        ["widgets", _, _] => method_not_allowed(record, &Method::GET),
        _ => Problem::new(
            StatusCode::NOT_FOUND,
            format!("{path}: not a Ticketmatic path (/api/1/{{account}}/... or /widgets/{{account}}/{{widget}})"),
        )
        .response(),
    }
}

async fn api(
    state: &State,
    request: Request<Incoming>,
    now: Timestamp,
    record: &mut Record,
    account_segment: &str,
    rest: &str,
    query: &str,
) -> Response<Body> {
    // Account-less calls use `_` in the path and sign an empty account.
    let account = if account_segment == "_" {
        ""
    } else {
        account_segment
    };
    let route = ROUTES.iter().find(|r| r.path == rest).unwrap_or(&OTHER);
    if route.signed {
        match auth::check(
            request.headers().get(AUTHORIZATION),
            account,
            now,
            &state.api,
        ) {
            Ok(accepted) => {
                record.auth = accepted.scheme.as_str().into();
                record.access_key = Some(accepted.access_key);
                record.verdict = "accepted";
            }
            Err(refused) => {
                record.auth = refused.scheme;
                record.access_key = refused.access_key;
                record.verdict = "refused";
                record.reason = Some(refused.problem.message.clone());
                return (*refused.problem).response();
            }
        }
        if let Some(fault) = state.faults.next(now.as_str()) {
            record.reason = Some("fault".into());
            return fault;
        }
    }
    let writes_fixtures = matches!(route.handler, Handler::Fixture)
        && [Method::POST, Method::PUT, Method::DELETE].contains(request.method());
    if request.method() != route.method && !writes_fixtures {
        return method_not_allowed(record, &route.method);
    }
    let answer = match route.handler {
        Handler::Time => Ok(json_response(
            StatusCode::OK,
            &json!({"systemtime": now.as_str()}),
        )),
        Handler::Export => export(state, request).await,
        Handler::Queries => queries(state, request).await,
        Handler::Fixture if writes_fixtures => {
            write_fixture(state, request, account_segment, rest).await
        }
        Handler::Fixture => fixture(state, account_segment, rest, query),
    };
    answer.unwrap_or_else(|problem| {
        record.reason = Some(problem.message.clone());
        problem.response()
    })
}

/// A 405, logged as refused with its reason, whatever the signature's verdict.
fn method_not_allowed(record: &mut Record, allowed: &Method) -> Response<Body> {
    let problem = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("this path answers {allowed} only"),
    );
    record.verdict = "refused";
    record.reason = Some(problem.message.clone());
    problem.header(ALLOW, allowed.as_str()).response()
}

fn fixture(
    state: &State,
    account_segment: &str,
    rest: &str,
    query: &str,
) -> Result<Response<Body>, Problem> {
    let not_found = || {
        let mut problem = Problem::new(StatusCode::NOT_FOUND, format!("no such path: {rest}"));
        if state.options.fixtures.is_none() {
            problem = problem.with(
                "hint",
                "the mock answers diagnostics/time, tools/queries/export, and the files of --fixtures DIR",
            );
        }
        problem
    };
    let fixtures = state.fixtures.as_ref().ok_or_else(not_found)?;
    let fixtures = fixtures.lock().unwrap_or_else(|e| e.into_inner());
    let value = fixtures
        .answer(account_segment, rest, query, &state.api.account)
        .ok_or_else(not_found)??;
    Ok(json_response(StatusCode::OK, &value))
}

/// `POST LIST`, `PUT LIST/ID`, `DELETE LIST/ID` on a `--fixtures` list.
async fn write_fixture(
    state: &State,
    request: Request<Incoming>,
    account_segment: &str,
    rest: &str,
) -> Result<Response<Body>, Problem> {
    use super::fixtures::Write;
    let method = request.method().clone();
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            format!("no list to write at: {rest}"),
        )
    };
    let id = || -> Result<(&str, i64), Problem> {
        let (list, id) = rest.rsplit_once('/').ok_or_else(not_found)?;
        let id = id.parse().map_err(|_| {
            Problem::new(
                StatusCode::NOT_FOUND,
                format!("{rest}: '{id}' is not an id (a whole number)"),
            )
        })?;
        Ok((list, id))
    };
    let body = |bytes: Bytes| -> Result<Value, Problem> {
        serde_json::from_slice(&bytes).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("the body is not JSON: {e}"),
            )
        })
    };
    let (path, write) = match method {
        Method::POST => (rest, Write::Create(body(read_body(state, request).await?)?)),
        Method::PUT => {
            let (list, id) = id()?;
            (
                list,
                Write::Update(id, body(read_body(state, request).await?)?),
            )
        }
        _ => {
            let (list, id) = id()?;
            (list, Write::Delete(id))
        }
    };
    let fixtures = state.fixtures.as_ref().ok_or_else(not_found)?;
    let mut fixtures = fixtures.lock().unwrap_or_else(|e| e.into_inner());
    let value = fixtures
        .write(account_segment, path, write)
        .ok_or_else(not_found)??;
    Ok(match value {
        // A delete answers 200 with no body: tm-go's Delete reads none.
        Value::Null => Response::new(Body::default()),
        value => json_response(StatusCode::OK, &value),
    })
}

/// `tools/queries`: the QueryRequest's records as a QueryResult, whose
/// `nbrofresults` is the number of rows in it.
async fn queries(state: &State, request: Request<Incoming>) -> Result<Response<Body>, Problem> {
    let (limit, offset) = query_request(state, request).await?;
    let results = data_of(state)?
        .parsed(offset, limit)
        .map_err(|why| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, why))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({"nbrofresults": results.len(), "results": results}),
    ))
}

fn data_of(state: &State) -> Result<&super::data::Data, Problem> {
    state.data.as_ref().ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "the mock server has no query data: start it with --data FILE.jsonl",
        )
    })
}

/// The `limit` and `offset` of a QueryRequest body: `query` (required, a
/// string), `limit` and `offset` (whole numbers, 0 or absent: none).
async fn query_request(state: &State, request: Request<Incoming>) -> Result<(u64, u64), Problem> {
    let body = read_body(state, request).await?;
    let bad = |message: String| Problem::new(StatusCode::BAD_REQUEST, message);
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "the body is not JSON ({e}): send a QueryRequest, {{\"query\": \"<SQL>\"}}"
        ))
    })?;
    let Some(fields) = value.as_object() else {
        return Err(bad(
            "the body is not a JSON object: send a QueryRequest, {\"query\": \"<SQL>\"}".into(),
        ));
    };
    let field = |name: &str, message: String| bad(message).with("field", name);
    match fields.get("query") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(field("query", "query: not a string".into())),
        None => {
            return Err(field(
                "query",
                "the body has no \"query\": send {\"query\": \"<SQL>\"}".into(),
            ))
        }
    }
    let count = |name: &str| match fields.get(name) {
        None | Some(Value::Null) => Ok(0),
        Some(n) => n
            .as_u64()
            .ok_or_else(|| field(name, format!("{name}: not a whole number ≥ 0"))),
    };
    Ok((count("limit")?, count("offset")?))
}

async fn export(state: &State, request: Request<Incoming>) -> Result<Response<Body>, Problem> {
    let (limit, offset) = query_request(state, request).await?;
    let stream = Stream::new(
        data_of(state)?.select(offset, limit),
        state.options.cut_after,
        state.options.stall_after,
    );
    let mut response = Response::new(stream.boxed());
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(response)
}

/// The request body, at most `--max-body` bytes (413 beyond), read within
/// the idle timeout (408 if the client stalls).
async fn read_body(state: &State, request: Request<Incoming>) -> Result<Bytes, Problem> {
    let limit = state.options.max_body;
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        )
        .with("max_body", limit)
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let reading = Limited::new(request.into_body(), limit).collect();
    match tokio::time::timeout(state.options.idle_timeout(), reading).await {
        Ok(Ok(body)) => Ok(body.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(e)) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            format!("reading the body: {e}"),
        )),
        Err(_) => Err(Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body did not arrive within {} s",
                state.options.idle_timeout
            ),
        )),
    }
}
