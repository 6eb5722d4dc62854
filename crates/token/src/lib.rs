//! The token: the customer's device, which holds a secret and a Token ID and shows the code.
//!
//! This module is the pure part of the token (what to show at a given time); the browser shell
//! in `src/` draws it and drives the clock.
//!
//! ```
//! use webtoken_engine::{Params, Secret};
//! use webtoken_token::CodeDisplay;
//! let secret = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").expect("valid Base32");
//! let shown = CodeDisplay::at(&secret, &Params::default(), 59).expect("valid parameters");
//! assert_eq!(shown.code, "287082");
//! assert_eq!(shown.grouped(), "287 082");
//! assert_eq!(shown.remaining, 1);
//! ```

/// The encrypted backup of the whole token list: its file format, its contents and the
/// reminder when the list changed since the last one.
pub mod backup;
/// Import from other authenticators: URI lists, Google Authenticator export links, Aegis, 2FAS
/// and the Authenticator extension's exports, with a report of every entry.
pub mod import;
/// Why the key store (IndexedDB, WebCrypto) could not be used.
pub mod keys;
/// What opening a sealed record with a key means, around the browser's cipher.
pub mod opening;
/// `otpauth://totp/` URIs (Google Authenticator Key URI format): import and export.
pub mod otpauth;
/// The token panel's behaviour: its states, messages, effects and view, without a browser.
pub mod panel;
/// QR codes (ISO/IEC 18004) drawn as SVG, for exporting a token.
pub mod qr;
/// Records sealed under the device key or a passphrase key, over the browser's cipher
/// ([`sealing::Keys`]), and why a record is not being saved.
pub mod sealing;
/// The search field's filter: which tokens match a text.
pub mod search;
/// The customer's list of tokens as stored: the save cycle, passphrases, lock and unlock.
pub mod store;
/// The token panel's words, in Japanese and English.
pub mod text;
/// The stored format of encrypted records (versioned AES-256-GCM envelopes).
pub mod vault;
/// The customer's list of tokens: labels, one active, add, rename, delete.
pub mod wallet;

use webtoken_engine::{EngineError, Params, Secret, code_at_step, group_code};

/// What the token shows at one instant: the code, the next one and the seconds left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDisplay {
    /// The current code, digits only.
    pub code: String,
    /// The code of the next period, as a preview.
    pub next: String,
    /// Seconds until the code changes (1..=period).
    pub remaining: u64,
    /// The period, in seconds.
    pub period: u64,
    /// The time step the current code belongs to (RFC 6238 `T`).
    pub step: u64,
}

impl CodeDisplay {
    /// The display at `unix_seconds` for a token with `secret` and `params`.
    pub fn at(secret: &Secret, params: &Params, unix_seconds: u64) -> Result<Self, EngineError> {
        let step = params.step(unix_seconds);
        Ok(Self {
            code: code_at_step(secret, step, params)?,
            next: code_at_step(secret, step.saturating_add(1), params)?,
            remaining: params.remaining(unix_seconds),
            period: params.period,
            step,
        })
    }

    /// The current code grouped for reading (`123 456`).
    pub fn grouped(&self) -> String {
        group_code(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_turns_over_at_the_period_boundary() {
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).expect("20 bytes");
        let params = Params::default();
        let before = CodeDisplay::at(&secret, &params, 59).expect("display");
        let after = CodeDisplay::at(&secret, &params, 60).expect("display");
        assert_eq!(before.remaining, 1);
        assert_eq!(after.remaining, 30);
        assert_eq!(before.step + 1, after.step);
        assert_eq!(before.next, after.code);
        assert_ne!(before.code, after.code);
    }
}
