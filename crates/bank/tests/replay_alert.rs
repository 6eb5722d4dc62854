//! The replayed-code alert (issue 20 item 7): a code the token service refuses as already used
//! tells the customer that someone else may have seen it, and the staff record says the same.

use webtoken_bank::{Lang, Text, audit_line, text};
use webtoken_engine::token_id::TokenId;
use webtoken_token_service::{AuditEvent, AuditKind, RejectReason};

#[test]
fn the_customer_is_told_that_someone_else_may_have_seen_a_spent_code() {
    let en = text(Text::ErrCodeReplayed, Lang::En);
    assert!(en.contains("already been used"), "{en}");
    assert!(en.contains("someone else may have seen it"), "{en}");
    let ja = text(Text::ErrCodeReplayed, Lang::Ja);
    assert!(ja.contains("使用済み"), "{ja}");
    assert!(ja.contains("他の人に見られた可能性があります"), "{ja}");
}

#[test]
fn the_staff_record_shows_the_replayed_code_with_the_same_warning() {
    let event = AuditEvent {
        seq: 3,
        time: 1_700_000_000,
        token_id: TokenId::parse("WBTK12345678").ok(),
        kind: AuditKind::Rejected {
            reason: RejectReason::Replayed,
        },
        prev_hash: [0; 32],
        hash: [0; 32],
    };
    let en = audit_line(&event, Lang::En);
    assert_eq!(en.event, "Code rejected");
    assert!(en.detail.contains("code already used"), "{}", en.detail);
    assert!(
        en.detail.contains("someone else may have seen it"),
        "{}",
        en.detail
    );
    let ja = audit_line(&event, Lang::Ja);
    assert!(
        ja.detail.contains("他の人に見られた可能性"),
        "{}",
        ja.detail
    );
}
