//! webtoken: a software one-time-password token that runs in the browser, the token service
//! that validates its codes, and a demo bank that uses both.
//!
//! The crate follows the roles of a bank's customer guide to its software token:
//!
//! - [`engine`]: the code engine (RFC 4226 HOTP, RFC 6238 TOTP), Token IDs and typed-code input;
//! - [`token`]: the token, the customer's device (secret, Token ID, code display);
//! - [`token_service`]: the token service, which issues credentials and validates codes;
//! - [`bank`]: the bank, the relying party (customers, passwords, registration, login, stop);
//! - [`tour`]: the guided tour, the customer guide's chapters step by step over the page;
//! - [`json`]: the JSON codec of the stored records and the token service's API;
//! - [`lab`]: the staff's time lab (a demo only), which shifts the clock and explains the
//!   token service's verdicts;
//! - `web`: the browser shell, compiled only for `wasm32`.
//!
//! Everything that decides something is pure Rust, tested natively; time and randomness come
//! in as arguments.
//!
//! ```
//! use webtoken::engine::{Algorithm, Secret, hotp};
//! let secret = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").expect("valid Base32");
//! assert_eq!(hotp(&secret, 0, 6, Algorithm::Sha1).expect("6 digits"), "755224");
//! ```

pub mod bank;
pub mod engine;
pub mod i18n;
pub mod json;
pub mod lab;
pub mod token;
pub mod token_service;
pub mod tour;

#[cfg(not(target_arch = "wasm32"))]
pub mod server;

#[cfg(target_arch = "wasm32")]
pub mod web;
