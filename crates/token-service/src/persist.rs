//! The in-page service's records go through the one save cycle
//! ([`webtoken_engine::persist`]): credentials with their secrets and the audit log, as the
//! JSON of a [`Snapshot`], sealed by the browser under the service's own key.

use zeroize::Zeroizing;

use crate::{AuditKey, MAX_SNAPSHOT_BYTES, MemoryStore, Policy, Snapshot, TokenService};
use webtoken_engine::persist::Record;

/// The in-page service's audit key: a fixed, public key, so the in-page chain proves no more
/// than an unkeyed hash, and its seal is not stored apart (`decode` restores without one). What
/// protects the in-page log is the record's AES-GCM seal under the service's device key and its
/// version mark (README, "Security model"); remote mode keys the chain with the server's own
/// random key.
fn in_page_audit_key() -> AuditKey {
    AuditKey::from_bytes(*b"webtoken in-page audit key (v2).")
}

/// Nothing stored is a new service with the default policy; a stored snapshot is restored
/// with its audit chain checked.
impl Record for TokenService<MemoryStore> {
    fn absent() -> Self {
        TokenService::new(MemoryStore::default(), Policy::default())
            .with_audit_key(in_page_audit_key())
    }

    fn encode(&self) -> Zeroizing<String> {
        webtoken_engine::json::to_string(&self.snapshot())
    }

    /// The save cycle never writes a record this reader refuses.
    fn max_len() -> usize {
        MAX_SNAPSHOT_BYTES
    }

    fn decode(text: &str) -> Result<Self, String> {
        // Not `check_size`'s error: its Display would come into the page's wasm for one line.
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(format!("longer than {MAX_SNAPSHOT_BYTES} bytes"));
        }
        let snapshot: Snapshot =
            webtoken_engine::json::from_str(text).map_err(|e| e.to_string())?;
        TokenService::restore(
            MemoryStore::default(),
            Policy::default(),
            snapshot,
            in_page_audit_key(),
            None,
        )
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Rejected;
    use webtoken_engine::persist::{
        Change, Committed, Keeper, MemoryRecord, MemorySealer, Outcome, Problem, StoreError, now,
    };

    /// A credential issued in one tab validates in another, and the code it spent is spent
    /// for the first tab too: each cycle starts from the other's write.
    #[test]
    fn two_tabs_share_credentials_and_spent_codes_through_the_save_cycle() {
        let record = MemoryRecord::default();
        let tab =
            || Keeper::<_, _, TokenService<MemoryStore>>::new(&record, MemorySealer::default());
        let (one, two) = (tab(), tab());
        let now_s = 1_700_000_000;
        let issued =
            match now(one
                .change(|s: &mut TokenService<MemoryStore>| Change::<_, ()>::Save(s.issue(now_s))))
            {
                Some(Outcome::Saved(Ok(issued))) => issued,
                other => panic!("{other:?}"),
            };
        let code = webtoken_engine::totp(&issued.secret, now_s, &issued.params).unwrap();
        let check = |s: &mut TokenService<MemoryStore>| {
            Change::<_, ()>::Save(s.validate(&issued.token_id, &code, now_s))
        };
        assert!(matches!(
            now(two.change(check)),
            Some(Outcome::Saved(Ok(_)))
        ));
        assert!(matches!(
            now(one.change(check)),
            Some(Outcome::Saved(Err(Rejected::Replayed)))
        ));
        assert!(record.text().unwrap().starts_with("sealed:"));
    }

    type Tab<'a> = Keeper<&'a MemoryRecord, MemorySealer, TokenService<MemoryStore>>;

    /// A tab's in-page service over `record`.
    fn tab(record: &MemoryRecord) -> Tab<'_> {
        Keeper::new(record, MemorySealer::default())
    }

    /// Issues a credential at `now_s` through `tab`, saved.
    fn issue(tab: &Tab<'_>, now_s: u64) -> crate::Issued {
        let issue = |s: &mut TokenService<MemoryStore>| Change::<_, ()>::Save(s.issue(now_s));
        match now(tab.commit(issue)) {
            Some(Committed::Saved(Ok(issued))) => issued,
            other => panic!("{other:?}"),
        }
    }

    /// With writes refused, a validation is not answered and its spent step is not kept in
    /// memory either: the same code is accepted once (and only once) when saving works.
    #[test]
    fn a_validation_that_cannot_be_saved_is_not_answered() {
        let record = MemoryRecord::default();
        let tab = || tab(&record);
        let one = tab();
        let now_s = 1_700_000_000;
        let issued = issue(&one, now_s);
        let code = webtoken_engine::totp(&issued.secret, now_s + 30, &issued.params).unwrap();
        let check = |s: &mut TokenService<MemoryStore>| {
            Change::<_, ()>::Save(s.validate(&issued.token_id, &code, now_s + 30))
        };
        record.refuse_writes(Some(StoreError::QuotaExceeded));
        assert!(matches!(
            now(one.commit(check)),
            Some(Committed::Failed(Problem::Store(StoreError::QuotaExceeded)))
        ));
        assert_eq!(one.with(|s| s.audit().len()), 1, "only the issue");
        record.refuse_writes(None);
        assert!(matches!(
            now(one.commit(check)),
            Some(Committed::Saved(Ok(_)))
        ));
        assert!(matches!(
            now(tab().commit(check)),
            Some(Committed::Saved(Err(Rejected::Replayed)))
        ));
    }

    /// The record as it was before a code was spent, put back in place of the newer one: found
    /// out on the next read, reported, and nothing is accepted from it (the spent code included).
    #[test]
    fn a_record_replaced_by_an_older_version_is_found_out_and_accepts_nothing() {
        let record = MemoryRecord::default();
        let tab = || tab(&record);
        let one = tab();
        let now_s = 1_700_000_000;
        let issued = issue(&one, now_s);
        let before = record.text().unwrap();
        let code = webtoken_engine::totp(&issued.secret, now_s + 30, &issued.params).unwrap();
        let check = |s: &mut TokenService<MemoryStore>| {
            Change::<_, ()>::Save(s.validate(&issued.token_id, &code, now_s + 30))
        };
        assert!(matches!(
            now(one.commit(check)),
            Some(Committed::Saved(Ok(_)))
        ));
        record.set(Some(&before));
        let next_visit = tab();
        let rolled_back = Problem::RolledBack {
            found: 1,
            highest: 2,
        };
        assert_eq!(
            now(next_visit.commit(check)),
            Some(Committed::Failed(rolled_back.clone()))
        );
        assert_eq!(next_visit.problem(), Some(rolled_back));
        assert_eq!(record.text(), Some(before), "kept as evidence");
    }

    /// The writer never writes a record its reader refuses: the size is checked first.
    #[test]
    fn the_reader_refuses_a_record_over_the_limit_which_the_writer_never_writes() {
        let long = " ".repeat(MAX_SNAPSHOT_BYTES + 1);
        assert!(TokenService::<MemoryStore>::decode(&long).is_err());
        assert_eq!(
            <TokenService<MemoryStore> as Record>::max_len(),
            MAX_SNAPSHOT_BYTES
        );
    }

    #[test]
    fn a_snapshot_round_trips_and_anything_else_is_refused() {
        let service = TokenService::<MemoryStore>::absent();
        service.issue(1_700_000_000).unwrap();
        let text = service.encode();
        assert!(TokenService::<MemoryStore>::decode(&text).is_ok());
        assert!(TokenService::<MemoryStore>::decode("{}").is_err());
    }

    /// One credential of the stored records damaged (its secret is not Base32): the others
    /// still validate, the damaged one is reported with its Token ID and validates nothing, it
    /// is written back unchanged with every later write, its Token ID is never issued again,
    /// and it goes only when staff remove it.
    #[test]
    fn one_damaged_credential_costs_that_credential_only() {
        let now_s = 1_700_000_000;
        let service = TokenService::<MemoryStore>::absent();
        let (bad, good) = (service.issue(now_s).unwrap(), service.issue(now_s).unwrap());
        let mut json: serde_json::Value = serde_json::from_str(&service.encode()).unwrap();
        let entries = json["credentials"].as_array_mut().unwrap();
        let damaged = (entries.iter_mut())
            .find(|e| e["state"]["token_id"] == bad.token_id.as_str())
            .unwrap();
        damaged["secret"] = "not base32!".into();
        let damaged = damaged.clone();
        let stored = json.to_string();

        let mut read = TokenService::<MemoryStore>::decode(&stored).unwrap();
        let unreadable = read.unreadable();
        assert_eq!(unreadable.len(), 1);
        assert_eq!(unreadable[0].token_id.as_ref(), Some(&bad.token_id));
        assert!(
            unreadable[0].kept.why.contains("secret"),
            "{:?}",
            unreadable[0]
        );
        let code = |issued: &crate::Issued| {
            webtoken_engine::totp(&issued.secret, now_s + 30, &issued.params).unwrap()
        };
        assert!(
            read.validate(&good.token_id, &code(&good), now_s + 30)
                .is_ok()
        );
        assert_eq!(
            read.validate(&bad.token_id, &code(&bad), now_s + 30),
            Err(Rejected::UnknownToken)
        );
        let secret = webtoken_engine::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let params = webtoken_engine::Params::default();
        assert!(matches!(
            read.provision(bad.token_id.clone(), secret, params, now_s),
            Err(crate::ServiceError::Store(crate::StoreError::AlreadyExists))
        ));

        let written: serde_json::Value = serde_json::from_str(&read.encode()).unwrap();
        let written = written["credentials"].as_array().unwrap().clone();
        assert_eq!(written.len(), 2);
        assert!(written.contains(&damaged), "written back unchanged");
        // Read again, it is the same: nothing lost on the way.
        let again = TokenService::<MemoryStore>::decode(&read.encode()).unwrap();
        assert_eq!(again.unreadable(), read.unreadable());

        let removed = read.remove_unreadable(0, "staff 1", now_s + 60).unwrap();
        assert_eq!(removed.token_id.as_ref(), Some(&bad.token_id));
        assert!(read.unreadable().is_empty());
        let written: serde_json::Value = serde_json::from_str(&read.encode()).unwrap();
        assert_eq!(written["credentials"].as_array().unwrap().len(), 1);
        assert!(matches!(
            read.audit_for(&bad.token_id).last().map(|e| &e.kind),
            Some(crate::AuditKind::Stopped { .. })
        ));
    }

    /// A returning visitor's record, written by the previous version (no checkpoint, an
    /// unkeyed chain), is read with every credential and chained again under the in-page key;
    /// the next write is in the new form.
    #[test]
    fn the_previous_versions_record_is_migrated_on_first_read() {
        let legacy = include_str!("../tests/vectors/legacy_snapshot_v1.json");
        let service = TokenService::<MemoryStore>::decode(legacy).unwrap();
        assert_eq!(service.snapshot().credentials.len(), 3);
        assert_eq!(service.audit().len(), 14);
        assert_eq!(service.verify_audit(), Ok(()));
        let text = service.encode();
        assert!(text.contains("\"checkpoint\":{"));
        assert!(TokenService::<MemoryStore>::decode(&text).is_ok());
        // A legacy record edited after it was written is still refused.
        let edited = legacy.replacen("\"mismatch\"", "\"replayed\"", 1);
        assert_ne!(edited, legacy);
        assert!(TokenService::<MemoryStore>::decode(&edited).is_err());
    }
}
