#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::task::{Context, Poll, Waker};

use super::*;
use crate::{AuditKind, RejectReason};

/// Answers each request with the reply canned for its method and URL (a network failure when
/// there is none), and notes what was sent.
#[derive(Default)]
struct Canned {
    replies: Vec<(&'static str, String, u16, String)>,
    sent: RefCell<Vec<(&'static str, String, Option<String>)>>,
}

impl Canned {
    fn on(mut self, method: &'static str, path: &str, status: u16, body: &str) -> Self {
        let url = format!("{BASE}{API_PREFIX}{path}");
        self.replies.push((method, url, status, body.to_owned()));
        self
    }
}

impl Transport for Canned {
    async fn exchange(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&str>,
    ) -> Result<Reply, CallError> {
        self.sent
            .borrow_mut()
            .push((method, url.to_owned(), body.map(str::to_owned)));
        let (_, _, status, body) = self
            .replies
            .iter()
            .find(|(m, u, _, _)| *m == method && u == url)
            .ok_or_else(|| CallError::Network("offline".into()))?;
        Ok(Reply {
            status: *status,
            body: Zeroizing::new(body.clone()),
        })
    }
}

const BASE: &str = "http://127.0.0.1:8080";

/// Runs a future that never waits (the canned transport answers at once).
fn now<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the canned transport never waits"),
    }
}

fn client(canned: Canned) -> Client<Canned> {
    Client::new(&format!("{BASE}/"), canned)
}

fn service() -> crate::TokenService {
    crate::TokenService::new(crate::MemoryStore::new(), crate::Policy::default())
}

fn token_id() -> TokenId {
    TokenId::generate("ABCD", 1).unwrap()
}

fn api_error(error: &str) -> String {
    json::to_string(&ApiError::new(error, "because")).to_string()
}

#[test]
fn requests_go_to_the_api_under_the_base_without_its_slash() {
    let client = client(Canned::default().on("GET", "/time", 200, r#"{"now":1700000000}"#));
    assert_eq!(client.base(), BASE);
    assert_eq!(now(client.server_time()), Ok(1_700_000_000));
    let sent = client.transport.sent.borrow();
    assert_eq!(
        sent[0],
        ("GET", format!("{BASE}/api/v1/time"), None),
        "a GET has no body"
    );
}

#[test]
fn a_validation_sends_the_code_and_reads_the_outcome() {
    let id = token_id();
    let accepted = json::to_string(&Outcome::from(&Ok(Accepted { step: 9, drift: -1 })));
    let client = client(Canned::default().on("POST", "/validate", 200, &accepted));
    assert_eq!(
        now(client.validate(&id, "123456".into())),
        Ok(Accepted { step: 9, drift: -1 })
    );
    let (_, _, body) = client.transport.sent.borrow()[0].clone();
    let sent: ValidateRequest = serde_json::from_str(&body.unwrap()).unwrap();
    assert_eq!(sent.token_id, id.as_str());
    assert_eq!(sent.code, "123456");
}

#[test]
fn rejections_and_failures_of_a_validation_are_typed() {
    let id = token_id();
    let replayed = json::to_string(&Outcome::from(&Err(Rejected::Replayed)));
    let answers = [
        (
            Canned::default().on("POST", "/validate", 200, &replayed),
            Rejected::Replayed,
        ),
        (
            Canned::default().on("POST", "/validate", 404, &api_error("unknown_token")),
            Rejected::UnknownToken,
        ),
        (
            Canned::default().on("POST", "/validate", 503, &api_error("unavailable")),
            Rejected::Unavailable,
        ),
        (
            Canned::default().on("POST", "/validate", 200, "not json"),
            Rejected::Unavailable,
        ),
        (Canned::default(), Rejected::Unavailable),
    ];
    for (canned, rejected) in answers {
        assert_eq!(now(client(canned).validate(&id, "1".into())), Err(rejected));
    }
    // A malformed answer is rebuilt from the same check of what was typed.
    let malformed = json::to_string(&Outcome::Rejected {
        reason: RejectReason::Malformed,
        message_ja: String::new(),
        message_en: String::new(),
    });
    let client = client(Canned::default().on("POST", "/resync", 200, &malformed));
    let answer = now(client.resync(&id, "123456".into(), "12a".into()));
    assert!(matches!(answer, Err(Rejected::Malformed(_))), "{answer:?}");
}

#[test]
fn staff_operations_name_the_services_refusals() {
    let id = token_id();
    let stopped = Canned::default().on("POST", "/staff/stop", 409, &api_error("stopped"));
    assert_eq!(
        now(client(stopped).stop(&id, "staff".into(), "lost".into())),
        StaffCall::Answer(Err(ServiceError::Stopped {
            token_id: id.clone()
        }))
    );
    let not_locked = Canned::default().on("POST", "/staff/unlock", 409, &api_error("not_locked"));
    assert_eq!(
        now(client(not_locked).unlock(&id, "staff".into())),
        StaffCall::Answer(Err(ServiceError::NotLocked {
            token_id: id.clone()
        }))
    );
    let unknown = Canned::default().on("POST", "/staff/unlock", 404, &api_error("unknown_token"));
    assert_eq!(
        now(client(unknown).unlock(&id, "staff".into())),
        StaffCall::Answer(Err(ServiceError::UnknownToken {
            token_id: id.clone()
        }))
    );
    let done = Canned::default().on("POST", "/staff/unlock", 200, r#"{"anything":1}"#);
    assert_eq!(
        now(client(done).unlock(&id, "staff".into())),
        StaffCall::Answer(Ok(()))
    );
    // No answer, or a status without an error body: unreachable, saying why.
    let teapot = Canned::default().on("POST", "/staff/stop", 418, "<html>");
    let StaffCall::Answer(Err(ServiceError::Unreachable { reason })) =
        now(client(teapot).stop(&id, "staff".into(), "lost".into()))
    else {
        panic!("unreachable");
    };
    assert_eq!(reason, "HTTP 418: the server answered 418");
    let Err(ServiceError::Unreachable { reason }) = now(client(Canned::default()).issue()) else {
        panic!("unreachable");
    };
    assert_eq!(reason, "network error (offline)");
}

#[test]
fn staff_calls_without_a_session_say_so_and_sign_in_is_typed() {
    let id = token_id();
    let path = format!("/credentials/{}", id.as_str());
    let no_session = api_error("unauthorized");
    let canned = || {
        Canned::default()
            .on("POST", "/staff/stop", 401, &no_session)
            .on("POST", "/staff/unlock", 401, &no_session)
            .on("GET", &path, 401, &no_session)
            .on("GET", &format!("{path}/audit"), 401, &no_session)
    };
    let stop = now(client(canned()).stop(&id, "staff".into(), "lost".into()));
    assert_eq!(stop, StaffCall::NoSession);
    assert_eq!(
        now(client(canned()).unlock(&id, "staff".into())),
        StaffCall::NoSession
    );
    assert_eq!(now(client(canned()).fetch(&id)), StaffCall::NoSession);

    let signed_in = Canned::default().on("POST", "/staff/session", 200, "{}");
    let signed_in = client(signed_in);
    assert_eq!(
        now(signed_in.sign_in_staff("S0001", "pw", "123456".into())),
        Ok(())
    );
    let sent = signed_in.transport.sent.borrow();
    let body = sent[0].2.as_deref().unwrap_or_default();
    assert!(body.contains("\"staff_id\":\"S0001\"") && body.contains("\"code\":\"123456\""));
    let refused =
        Canned::default().on("POST", "/staff/session", 401, &api_error("sign_in_refused"));
    assert_eq!(
        now(client(refused).sign_in_staff("S0001", "pw", "1".into())),
        Err(SignInRefused::Refused)
    );
    assert_eq!(
        now(client(Canned::default()).sign_in_staff("S0001", "pw", "1".into())),
        Err(SignInRefused::Unavailable)
    );
}

#[test]
fn a_customer_stop_sends_the_code_and_reads_the_outcome() {
    let id = token_id();
    let unknown = Canned::default().on("POST", "/stop", 404, &api_error("unknown_token"));
    let client = client(unknown);
    assert_eq!(
        now(client.stop_with_code(&id, "123456".into(), "customer".into(), "lost".into())),
        Err(Rejected::UnknownToken)
    );
    let sent = client.transport.sent.borrow();
    assert!(
        sent[0]
            .2
            .as_deref()
            .unwrap_or_default()
            .contains("\"code\":\"123456\"")
    );
}

#[test]
fn an_issue_posts_an_empty_object_and_reads_the_credential() {
    let service = service();
    let issued = service.issue(0).unwrap();
    let body = json::to_string(&issued);
    let client = client(Canned::default().on("POST", "/credentials", 200, &body));
    assert_eq!(now(client.issue()).unwrap(), issued);
    assert_eq!(client.transport.sent.borrow()[0].2.as_deref(), Some("{}"));
}

#[test]
fn a_fetch_tells_an_unknown_token_from_an_unreachable_service() {
    let service = service();
    let id = service.issue(0).unwrap().token_id;
    let path = format!("/credentials/{}", id.as_str());
    let state = json::to_string(&service.state(&id).unwrap());
    let trail = AuditTrail {
        events: service.audit_for(&id),
        chain_ok: true,
        chain_problem: String::new(),
        chain_error: None,
    };
    let known = Canned::default().on("GET", &path, 200, &state).on(
        "GET",
        &format!("{path}/audit"),
        200,
        &json::to_string(&trail),
    );
    let StaffCall::Answer(fetched) = now(client(known).fetch(&id)) else {
        panic!("an answer");
    };
    assert!(fetched.state.is_some());
    assert!(fetched.chain_verified && !fetched.unavailable);
    assert!(
        fetched
            .audit
            .iter()
            .any(|e| matches!(e.kind, AuditKind::Issued { .. }))
    );

    let unknown = Canned::default()
        .on("GET", &path, 404, &api_error("unknown_token"))
        .on(
            "GET",
            &format!("{path}/audit"),
            404,
            &api_error("unknown_token"),
        );
    assert_eq!(
        now(client(unknown).fetch(&id)),
        StaffCall::Answer(Fetched::default())
    );

    let StaffCall::Answer(offline) = now(client(Canned::default()).fetch(&id)) else {
        panic!("an answer");
    };
    assert!(offline.unavailable && offline.state.is_none() && offline.audit.is_empty());
    let half = Canned::default().on("GET", &path, 200, &state);
    let StaffCall::Answer(half) = now(client(half).fetch(&id)) else {
        panic!("an answer");
    };
    assert!(
        half.unavailable && half.state.is_some(),
        "the trail is unknown"
    );
}

fn choose(search: &str, origin: &str) -> Result<Option<String>, String> {
    choose_service(search, origin, webtoken_engine::address::percent_decode)
}

#[test]
fn the_address_chooses_the_service_only_on_the_pages_own_origin() {
    let origin = "http://127.0.0.1:8080";
    let ours = Ok(Some(origin.to_owned()));
    assert_eq!(choose("", origin), Ok(None));
    assert_eq!(choose("?lab=1", origin), Ok(None));
    assert_eq!(choose("?service=same-origin", origin), ours);
    assert_eq!(choose("?service=http://127.0.0.1:8080/", origin), ours);
    assert_eq!(
        choose("?lab=1&service=http%3A%2F%2F127.0.0.1%3A8080", origin),
        ours
    );
    for other in [
        "?service=http://127.0.0.1:8081",
        "?service=https://evil.example",
        "?service=",
        "?service=%E0%A4%A",
        "?service=same-origin-not",
    ] {
        assert_eq!(choose(other, origin), Err(origin.to_owned()), "{other}");
    }
    let said = service_param_invalid(origin, Lang::En);
    assert!(said.contains(origin), "{said}");
}

#[test]
fn the_clock_warning_is_for_more_than_one_period_of_skew() {
    assert_eq!(clock_warning(1_000, 1_000, Lang::En), None);
    assert_eq!(clock_warning(1_030, 1_000, Lang::En), None, "one period");
    assert_eq!(clock_warning(970, 1_000, Lang::En), None);
    let ahead = clock_warning(1_031, 1_000, Lang::En).unwrap();
    assert!(ahead.contains("31"), "{ahead}");
    let behind = clock_warning(0, 1_000, Lang::Ja).unwrap();
    assert!(behind.contains("1000"), "{behind}");
    let error = ServiceError::Unreachable {
        reason: "network error (offline)".into(),
    };
    let said = unreachable_message(BASE, &error, Lang::En);
    assert!(said.contains(BASE) && said.contains("offline"), "{said}");
}
