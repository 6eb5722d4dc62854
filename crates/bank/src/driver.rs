//! The synchronous driver: runs a screen's commands against an in-process token service and
//! feeds the answers back, until the screen waits for the customer again.
//!
//! The page's default mode and the native tests use it; a page that validates over HTTP runs
//! the same commands as requests instead and sends the answers as events when they arrive.

use super::Bank;
use super::flow::{Command, Event, Screen, StaffSignInRefused, TokenRecord, transition};
use crate::section::health::RemoveRefused;
use webtoken_engine::persist::{Change, Committed, KeyValue, Sealer};
use webtoken_engine::random::Random;
use webtoken_token_service::{
    CredentialStore, InPage, NotSavedError, Rejected, ServiceError, TokenService,
};

/// Where [`drive`] left off.
#[derive(Debug, Clone)]
pub struct Driven {
    /// The screen now waiting for the customer.
    pub screen: Screen,
    /// Whether the bank changed and should be saved.
    pub save_bank: bool,
    /// Whether the first event was one the screen expected (`false`: it was ignored).
    pub handled: bool,
}

/// Runs `event` and every command it leads to against `service` at time `now`.
pub fn drive<S: CredentialStore>(
    bank: &mut Bank,
    service: &TokenService<S>,
    screen: Screen,
    event: Event,
    now: u64,
) -> Driven {
    let first = transition(bank, screen, event, now);
    let handled = first.handled;
    let mut screen = first.screen;
    let mut queue = first.commands;
    let mut save_bank = false;
    // Each answer is one event; a screen asks for at most a few rounds (validate, then stop,
    // then fetch), so the loop ends.
    while !queue.is_empty() {
        let mut next = Vec::new();
        for command in queue {
            save_bank |= command == Command::SaveBank;
            if let Some(answer) = execute(service, command, now) {
                let step = transition(bank, screen, answer, now);
                screen = step.screen;
                next.extend(step.commands);
            }
        }
        queue = next;
    }
    Driven {
        screen,
        save_bank,
        handled,
    }
}

/// Whether `command` changes the token service's records, so that its answer may be given
/// only once they are saved (a validation, resync, stop or unlock; not a look-up).
pub fn changes_records(command: &Command) -> bool {
    !matches!(
        command,
        Command::FetchToken { .. } | Command::SaveBank | Command::SignOutStaff
    )
}

/// The answer to `command` when the token service's new state could not be saved: the
/// operation failed and nothing was changed (see [`webtoken_engine::persist::Keeper::commit`]).
pub fn not_saved(command: &Command) -> Option<Event> {
    Some(match command {
        Command::ValidateCode { .. } | Command::Resync { .. } | Command::StopWithCode { .. } => {
            Event::CodeChecked(Err(Rejected::NotSaved))
        }
        Command::SignInStaff { .. } => Event::StaffSignedIn(Err(StaffSignInRefused::NotSaved)),
        Command::StopToken { .. } => Event::TokenStopped(Err(ServiceError::NotSaved)),
        Command::UnlockToken { .. } => Event::TokenUnlocked(Err(ServiceError::NotSaved)),
        Command::FetchToken { token_id } => Event::TokenFetched(Box::new(TokenRecord {
            token_id: token_id.clone(),
            state: None,
            audit: Vec::new(),
            chain_verified: false,
            chain_error: None,
            unavailable: true,
        })),
        Command::RemoveUnreadableCredential { .. } => {
            Event::RecordRemoved(Err(RemoveRefused::NotSaved))
        }
        Command::SaveBank | Command::SignOutStaff => return None,
    })
}

/// The answer `answer` becomes when the bank's own record could not be saved after it: the
/// same failure as a token service that could not save (the screen goes back to its form with
/// the message that nothing was changed), for the caller to run from the screen and bank it had
/// before `answer`. `None` for events that answer nothing.
pub fn unsaved_answer(answer: &Event) -> Option<Event> {
    Some(match answer {
        Event::CodeChecked(_) => Event::CodeChecked(Err(Rejected::NotSaved)),
        Event::TokenStopped(_) => Event::TokenStopped(Err(ServiceError::NotSaved)),
        Event::TokenUnlocked(_) => Event::TokenUnlocked(Err(ServiceError::NotSaved)),
        // A staff sign-in changes no bank record that must move with it.
        Event::Edit(..)
        | Event::Press(_)
        | Event::TokenFetched(_)
        | Event::StaffSignedIn(_)
        | Event::RecordRemoved(_)
        | Event::StaffSessionEnded => return None,
    })
}

/// Carries out one command against `service` at time `now`: the answering event, or `None`
/// for [`Command::SaveBank`], which is the caller's to do, and for [`Command::SignOutStaff`],
/// which the in-page service has nothing to do for.
/// (The token service answers the attempt that locks a token as `Rejected::LockedOut`, so the
/// customer learns at once that only a call to the bank helps now.)
pub fn execute<S: CredentialStore>(
    service: &TokenService<S>,
    command: Command,
    now: u64,
) -> Option<Event> {
    Some(match command {
        Command::ValidateCode { token_id, code } => {
            Event::CodeChecked(service.validate(&token_id, &code, now))
        }
        Command::Resync {
            token_id,
            first,
            second,
        } => Event::CodeChecked(service.resync(&token_id, &first, &second, now)),
        Command::StopWithCode {
            token_id,
            code,
            actor,
            reason,
        } => Event::CodeChecked(
            service
                .validate(&token_id, &code, now)
                .and_then(
                    |accepted| match service.stop(&token_id, &actor, &reason, now) {
                        Ok(()) => Ok(accepted),
                        Err(ServiceError::Stopped { .. }) => Err(Rejected::Stopped),
                        Err(_) => Err(Rejected::Unavailable),
                    },
                ),
        ),
        Command::StopToken {
            token_id,
            actor,
            reason,
        } => Event::TokenStopped(service.stop(&token_id, &actor, &reason, now)),
        Command::UnlockToken { token_id, actor } => {
            Event::TokenUnlocked(service.unlock(&token_id, &actor, now))
        }
        Command::FetchToken { token_id } => {
            // The chain is verified whole: a per-token extract has gaps by design.
            let chain = service.verify_audit();
            Event::TokenFetched(Box::new(TokenRecord {
                state: service.state(&token_id),
                audit: service.audit_for(&token_id),
                chain_verified: chain.is_ok(),
                chain_error: chain.err(),
                unavailable: false,
                token_id,
            }))
        }
        Command::SignInStaff { token_id, code, .. } => {
            // The demo staff token's credential is made the first time it is needed.
            crate::staff::provision_demo_staff(service, now);
            Event::StaffSignedIn(match service.validate(&token_id, &code, now) {
                Ok(_) => Ok(()),
                Err(Rejected::Unavailable) => Err(StaffSignInRefused::Unavailable),
                Err(_) => Err(StaffSignInRefused::Refused),
            })
        }
        // Removing needs the service mutably: see [`execute_mut`].
        Command::RemoveUnreadableCredential { .. } => {
            Event::RecordRemoved(Err(RemoveRefused::Gone))
        }
        Command::SaveBank | Command::SignOutStaff => return None,
    })
}

/// [`execute`] on a service that can be changed in place (the page's own, in its save cycle):
/// the same, and [`Command::RemoveUnreadableCredential`] removes only the entry staff were
/// shown, recorded in the audit trail as stopped by the staff member when its Token ID can be
/// read ([`TokenService::remove_unreadable`]). Anything else there is [`RemoveRefused::Gone`].
pub fn execute_mut<S: CredentialStore>(
    service: &mut TokenService<S>,
    command: Command,
    now: u64,
) -> Option<Event> {
    let Command::RemoveUnreadableCredential {
        index,
        token_id,
        why,
        actor,
    } = command
    else {
        return execute(service, command, now);
    };
    let same = (service.unreadable().get(index))
        .is_some_and(|u| u.token_id == token_id && u.kept.why == why);
    Some(Event::RecordRemoved(
        match same.then(|| service.remove_unreadable(index, &actor, now)) {
            Some(Some(_)) => Ok(()),
            _ => Err(RemoveRefused::Gone),
        },
    ))
}

/// Carries out `command` on the in-page token service kept in storage: answered only once its
/// new state is saved, otherwise [`not_saved`] (`None` for [`Command::SaveBank`], which is the
/// bank view's to do).
pub async fn execute_in_page<K, S, R>(
    service: &InPage<K, S, R>,
    command: Command,
    now: u64,
) -> Option<Event>
where
    K: KeyValue + Clone,
    S: Sealer,
    S::Error: NotSavedError,
    R: Random,
{
    if matches!(command, Command::SaveBank) {
        return None;
    }
    let changes = changes_records(&command);
    let mut answer = None;
    let committed = service
        .run(&mut |service| {
            answer = execute_mut(service, command.clone(), now);
            if changes {
                Change::Save(())
            } else {
                Change::Keep(())
            }
        })
        .await;
    match committed {
        Some(Committed::Saved(())) => answer,
        _ => not_saved(&command),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::section::health::{RecordsTrouble, ServiceHealth};
    use webtoken_engine::persist::{MemoryKeyValue, StoreError, now};
    use webtoken_engine::random::SeededRandom;
    use webtoken_engine::totp;
    use webtoken_token_service::in_page::{AUDIT_SEAL, MemoryKeySealer, RECORD_KEY};
    use webtoken_token_service::{ChainError, Issued};

    const NOW: u64 = 1_700_000_000;

    type Tab = InPage<MemoryKeyValue, MemoryKeySealer, SeededRandom>;

    fn tab(store: &MemoryKeyValue, seed: u64) -> Tab {
        let sealer = || MemoryKeySealer::new("device");
        InPage::new(store.clone(), sealer(), sealer(), SeededRandom::new(seed))
    }

    fn issued(store: &MemoryKeyValue) -> Issued {
        now(tab(store, 1).issue_shown(NOW, &|_| ()))
            .unwrap()
            .unwrap()
    }

    fn validate(issued: &Issued) -> Command {
        let code = totp(&issued.secret, NOW, &issued.params).unwrap();
        Command::ValidateCode {
            token_id: issued.token_id.clone(),
            code,
        }
    }

    fn run(service: &Tab, command: Command) -> Option<Event> {
        now(execute_in_page(service, command, NOW)).unwrap()
    }

    #[test]
    fn an_in_page_command_is_answered_once_saved_and_not_otherwise() {
        let store = MemoryKeyValue::default();
        let issued = issued(&store);
        let service = tab(&store, 2);
        assert!(run(&service, Command::SaveBank).is_none());
        let fetch = Command::FetchToken {
            token_id: issued.token_id.clone(),
        };
        let fetched = run(&service, fetch.clone());
        assert!(
            matches!(&fetched, Some(Event::TokenFetched(r)) if r.state.is_some()),
            "{fetched:?}"
        );
        assert!(matches!(
            run(&service, validate(&issued)),
            Some(Event::CodeChecked(Ok(_)))
        ));
        // Saved: another tab finds the code spent.
        assert!(matches!(
            run(&tab(&store, 3), validate(&issued)),
            Some(Event::CodeChecked(Err(Rejected::Replayed)))
        ));
        store.refuse(Some(StoreError::QuotaExceeded));
        assert!(matches!(
            run(&service, validate(&issued)),
            Some(Event::CodeChecked(Err(Rejected::NotSaved)))
        ));
        let unavailable = run(&service, fetch);
        assert!(
            matches!(&unavailable, Some(Event::TokenFetched(r)) if r.unavailable),
            "{unavailable:?}"
        );
    }

    #[test]
    fn the_health_of_in_page_records_says_what_is_wrong() {
        let store = MemoryKeyValue::default();
        let issued = issued(&store);
        let service = tab(&store, 2);
        now(service.load()).unwrap();
        assert_eq!(ServiceHealth::of(&service), ServiceHealth::default());
        let seal = store.get(AUDIT_SEAL).unwrap();
        store.remove(AUDIT_SEAL).unwrap();
        let unsealed = tab(&store, 3);
        now(unsealed.load()).unwrap();
        let chain = Some(RecordsTrouble::Chain(ChainError::SealMissing));
        assert_eq!(ServiceHealth::of(&unsealed).trouble, chain);
        // An older copy put back: the version mark kept apart finds it.
        store.set(AUDIT_SEAL, &seal.unwrap()).unwrap();
        let older = store.get(RECORD_KEY).unwrap().unwrap();
        run(&service, validate(&issued));
        store.set(RECORD_KEY, &older).unwrap();
        let put_back = tab(&store, 4);
        now(put_back.load()).unwrap();
        let rolled_back = RecordsTrouble::RolledBack {
            found: 1,
            highest: 2,
        };
        assert_eq!(ServiceHealth::of(&put_back).trouble, Some(rolled_back));
        store.set(RECORD_KEY, "device:9:zz").unwrap();
        let damaged = tab(&store, 5);
        now(damaged.load()).unwrap();
        let unreadable = Some(RecordsTrouble::Unreadable);
        assert_eq!(ServiceHealth::of(&damaged).trouble, unreadable);
    }

    #[test]
    fn the_health_of_in_page_records_lists_the_credentials_that_cannot_be_read() {
        let store = MemoryKeyValue::default();
        let service = tab(&store, 1);
        for _ in 0..2 {
            now(service.issue_shown(NOW, &|_| ())).unwrap().unwrap();
        }
        // One stored credential damaged (the test sealer's text is `<key>/sealed:<v>:<hex>`).
        let stored = store.get(RECORD_KEY).unwrap().unwrap();
        let (head, hex) = stored.rsplit_once(':').unwrap();
        let plain = webtoken_engine::hex::from_hex(hex).unwrap();
        let mut json: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        let damaged = json["credentials"][0]["state"]["token_id"].clone();
        json["credentials"][0]["secret"] = "not base32!".into();
        let hex = webtoken_engine::hex::to_hex(json.to_string().as_bytes());
        store.set(RECORD_KEY, &format!("{head}:{hex}")).unwrap();
        let next = tab(&store, 2);
        now(next.load()).unwrap();
        let health = ServiceHealth::of(&next);
        assert_eq!(health.trouble, None, "the others work");
        let [(token_id, why)] = &health.unreadable[..] else {
            panic!("{health:?}")
        };
        assert_eq!(token_id.as_ref().map(|t| t.as_str()), damaged.as_str());
        assert!(!why.is_empty());
    }
}
