//! The bank's commands carried out by a remote token service over HTTP: which client call
//! each [`Command`](crate::Command) is, and which [`Event`](crate::Event) answers it. The page (`src/remote.rs`) only sends
//! the requests (`fetch`), through the token service's client and its [`Transport`](webtoken_token_service::client::Transport).
//!
//! ```
//! use webtoken_bank::{Command, remote};
//! use webtoken_engine::persist::now;
//! use webtoken_token_service::client::{CallError, Client, Reply, Transport};
//!
//! /// A service that is never reached.
//! struct Nowhere;
//! impl Transport for Nowhere {
//!     async fn exchange(&self, _: &'static str, _: &str, _: Option<&str>) -> Result<Reply, CallError> {
//!         Err(CallError::Network("offline".into()))
//!     }
//! }
//! let client = Client::new("http://127.0.0.1:8080", Nowhere);
//! // Saving the bank is the page's own work, never the token service's.
//! assert!(now(remote::execute(&client, Command::SaveBank)).flatten().is_none());
//! ```

use crate::{Command, Event, StaffSignInRefused, TokenRecord};
use webtoken_token_service::client::{Client, SignInRefused, StaffCall, Transport};

/// Carries out `command` with the remote service behind `client`; the answering event, or
/// `None` for [`Command::SaveBank`] (the page's) and [`Command::SignOutStaff`] (nothing to
/// answer). A staff command the server refuses for want of a staff session answers
/// [`Event::StaffSessionEnded`].
pub async fn execute<T: Transport>(client: &Client<T>, command: Command) -> Option<Event> {
    Some(match command {
        Command::ValidateCode { token_id, code } => {
            Event::CodeChecked(client.validate(&token_id, code).await)
        }
        Command::Resync {
            token_id,
            first,
            second,
        } => Event::CodeChecked(client.resync(&token_id, first, second).await),
        Command::StopWithCode {
            token_id,
            code,
            actor,
            reason,
        } => Event::CodeChecked(client.stop_with_code(&token_id, code, actor, reason).await),
        Command::StopToken {
            token_id,
            actor,
            reason,
        } => staff(
            client.stop(&token_id, actor, reason).await,
            Event::TokenStopped,
        ),
        Command::UnlockToken { token_id, actor } => {
            staff(client.unlock(&token_id, actor).await, Event::TokenUnlocked)
        }
        Command::FetchToken { token_id } => staff(client.fetch(&token_id).await, |f| {
            Event::TokenFetched(Box::new(TokenRecord {
                token_id,
                state: f.state,
                audit: f.audit,
                chain_verified: f.chain_verified,
                chain_error: f.chain_error,
                unavailable: f.unavailable,
            }))
        }),
        Command::SignInStaff {
            staff_id,
            password,
            code,
            ..
        } => {
            let answer = client
                .sign_in_staff(staff_id.as_str(), password.expose(), code)
                .await;
            Event::StaffSignedIn(answer.map_err(|e| match e {
                SignInRefused::Refused => StaffSignInRefused::Refused,
                SignInRefused::Unavailable => StaffSignInRefused::Unavailable,
            }))
        }
        Command::SignOutStaff => {
            client.sign_out_staff().await;
            return None;
        }
        // The server's stored records are its own: the page offers no removal of them.
        Command::RemoveUnreadableCredential { .. } => {
            Event::RecordRemoved(Err(crate::section::health::RemoveRefused::Unavailable))
        }
        Command::SaveBank => return None,
    })
}

/// A staff call's event, or [`Event::StaffSessionEnded`] when the server holds no session.
fn staff<T>(call: StaffCall<T>, event: impl FnOnce(T) -> Event) -> Event {
    match call {
        StaffCall::Answer(answer) => event(answer),
        StaffCall::NoSession => Event::StaffSessionEnded,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use webtoken_engine::persist::now;
    use webtoken_engine::token_id::TokenId;
    use webtoken_token_service::client::{CallError, Reply};
    use zeroize::Zeroizing;

    /// A server that answers every request with one status and body, and notes the requests.
    struct Canned {
        status: u16,
        body: &'static str,
        sent: Rc<RefCell<Vec<(&'static str, String)>>>,
    }

    impl Transport for Canned {
        async fn exchange(
            &self,
            method: &'static str,
            url: &str,
            _: Option<&str>,
        ) -> Result<Reply, CallError> {
            self.sent.borrow_mut().push((method, url.to_owned()));
            Ok(Reply {
                status: self.status,
                body: Zeroizing::new(self.body.to_owned()),
            })
        }
    }

    /// A client of a canned server, and the requests it will have sent.
    type Sent = Rc<RefCell<Vec<(&'static str, String)>>>;

    fn client(status: u16, body: &'static str) -> (Client<Canned>, Sent) {
        let sent = Sent::default();
        let canned = Canned {
            status,
            body,
            sent: Rc::clone(&sent),
        };
        (Client::new("http://127.0.0.1:8080", canned), sent)
    }

    fn token() -> TokenId {
        TokenId::generate("WBTK", 1).unwrap()
    }

    fn run(client: &Client<Canned>, command: Command) -> Option<Event> {
        now(execute(client, command)).expect("the canned server answers at once")
    }

    #[test]
    fn a_staff_command_without_a_session_ends_the_staff_session() {
        let refused = r#"{"error":"no-session","message":"sign in"}"#;
        for command in [
            Command::FetchToken { token_id: token() },
            Command::UnlockToken {
                token_id: token(),
                actor: "S0001".into(),
            },
            Command::StopToken {
                token_id: token(),
                actor: "S0001".into(),
                reason: "lost".into(),
            },
        ] {
            let answer = run(&client(401, refused).0, command);
            assert!(
                matches!(answer, Some(Event::StaffSessionEnded)),
                "{answer:?}"
            );
        }
    }

    #[test]
    fn signing_out_and_saving_the_bank_answer_nothing() {
        let (service, sent) = client(204, "{}");
        assert!(run(&service, Command::SignOutStaff).is_none());
        let sent = sent.borrow();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "DELETE");
        assert!(sent[0].1.ends_with("/staff/session"), "{}", sent[0].1);
        let (service, sent) = client(200, "{}");
        assert!(run(&service, Command::SaveBank).is_none());
        assert!(sent.borrow().is_empty());
    }
}
