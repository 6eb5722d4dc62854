//! The search field's filter: a token matches when its label, issuer or account contains the
//! text typed, compared case-insensitively, with full-width Latin letters and digits read as
//! their ASCII forms and hiragana as katakana (「ぎんこう」 finds 「ギンコウ」, 「ＡＣＭＥ」 finds
//! "acme").
//!
//! ```
//! use webtoken_token::search::fold;
//! assert_eq!(fold("ＡＣＭＥ Bank"), fold("acme bank"));
//! assert_eq!(fold("しんきん"), fold("シンキン"));
//! ```

use crate::wallet::WalletToken;

/// `text` in the form searches compare: full-width ASCII as ASCII (the ideographic space as
/// a space), hiragana as katakana, and Latin letters (ASCII and Latin-1's) in lower case.
///
/// Case is folded for the Latin letters only, not through `char::to_lowercase`: its Unicode
/// tables cost the first load about 10 KB gzipped (measured with `scripts/bench.py size`,
/// 2026-12-04), for scripts (Greek, Cyrillic) the page's customers do not use; Japanese has
/// no case.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c => c,
        })
        .map(|c| match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Whether `token` matches the search text `query` (empty: every token does).
pub fn matches(token: &WalletToken, query: &str) -> bool {
    let query = fold(query.trim());
    let issuer = token.key.issuer.as_deref().unwrap_or("");
    [token.label.as_str(), issuer, token.key.account.as_str()]
        .iter()
        .any(|field| fold(field).contains(&query))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::otpauth::KeyUri;
    use crate::wallet::Wallet;

    fn wallet() -> Wallet {
        let mut wallet = Wallet::new();
        for (label, uri) in [
            (
                "Mail",
                "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP",
            ),
            (
                "しんきん銀行",
                "otpauth://totp/Shinkin:taro?secret=JBSWY3DPEHPK3PXQ",
            ),
            (
                "Work",
                "otpauth://hotp/ＡＣＭＥ:bob?secret=JBSWY3DPEHPK3PXR&counter=3",
            ),
        ] {
            wallet
                .add(label, None, KeyUri::parse(uri).unwrap())
                .unwrap();
        }
        wallet
    }

    fn found(query: &str) -> Vec<String> {
        let wallet = wallet();
        wallet
            .tokens()
            .iter()
            .filter(|t| matches(t, query))
            .map(|t| t.label.clone())
            .collect()
    }

    #[test]
    fn matches_label_issuer_and_account_without_regard_to_case() {
        assert_eq!(found("MAIL"), ["Mail"]);
        assert_eq!(found("example"), ["Mail"]);
        assert_eq!(found("ALICE@"), ["Mail"]);
        assert_eq!(found("shinkin"), ["しんきん銀行"]);
        assert_eq!(found("acme"), ["Work"]);
        assert_eq!(found("BOB"), ["Work"]);
        assert!(found("nobody").is_empty());
        assert_eq!(found("").len(), 3);
        assert_eq!(found("  ").len(), 3);
    }

    #[test]
    fn matches_japanese_text_in_either_kana_and_full_width_letters() {
        assert_eq!(found("銀行"), ["しんきん銀行"]);
        assert_eq!(found("シンキン"), ["しんきん銀行"]);
        assert_eq!(found("しんきん"), ["しんきん銀行"]);
        assert_eq!(found("ｍａｉｌ"), ["Mail"]);
        assert_eq!(found("Ａcme"), ["Work"]);
        assert_eq!(fold("ÉCOLE × Ø"), "école × ø");
    }
}
