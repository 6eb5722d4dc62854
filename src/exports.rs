//! The package's JavaScript API: `totp` and `hotp`, thin wrappers over [`webtoken_engine`].
//!
//! ```js
//! import init, { totp, hotp } from "./pkg/webtoken.js";
//! await init();
//! totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1234567890, 6, 30, "SHA1"); // "005924"
//! hotp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 0n, 6, "SHA1");             // "755224"
//! ```
//!
//! Numbers from JavaScript are checked, never truncated: a negative, fractional, NaN or
//! infinite value, or one past `Number.MAX_SAFE_INTEGER`, throws an `Error` saying which
//! argument is wrong (its `name` is `WebtokenError`, its `code` `invalid_argument`). The names and argument orders are a stable API.

use wasm_bindgen::prelude::*;

use webtoken_engine::{self as engine, Algorithm, Params, Secret};

/// The TOTP code (RFC 6238) of a Base32 secret at a Unix time, as a string with leading zeros.
///
/// `algorithm` is `"SHA1"`, `"SHA256"` or `"SHA512"`; `digits` is 6, 7 or 8; `period` is the
/// time step in seconds (30 for most tokens). Throws an `Error` on any invalid argument.
#[wasm_bindgen]
pub fn totp(
    #[wasm_bindgen(js_name = secretBase32)] secret_base32: &str,
    #[wasm_bindgen(js_name = unixSeconds)] unix_seconds: f64,
    digits: f64,
    period: f64,
    algorithm: &str,
) -> Result<String, JsValue> {
    let secret = Secret::from_base32(secret_base32).map_err(to_js)?;
    let params = Params {
        algorithm: algorithm.parse::<Algorithm>().map_err(to_js)?,
        digits: digits_from(digits)?,
        period: whole_number("period", period)?,
        t0: 0,
    };
    let unix_seconds = whole_number("unixSeconds", unix_seconds)?;
    engine::totp(&secret, unix_seconds, &params).map_err(to_js)
}

/// The HOTP code (RFC 4226) of a Base32 secret for a counter, as a string with leading zeros.
///
/// `counter` is a `BigInt` from 0 to 2^64 - 1, or a whole `Number` up to
/// `Number.MAX_SAFE_INTEGER`. Throws an `Error` on any invalid argument.
#[wasm_bindgen]
pub fn hotp(
    #[wasm_bindgen(js_name = secretBase32)] secret_base32: &str,
    #[wasm_bindgen(unchecked_param_type = "bigint | number")] counter: JsValue,
    digits: f64,
    algorithm: &str,
) -> Result<String, JsValue> {
    let secret = Secret::from_base32(secret_base32).map_err(to_js)?;
    let counter = counter_from(counter)?;
    let algorithm = algorithm.parse::<Algorithm>().map_err(to_js)?;
    engine::hotp(&secret, counter, digits_from(digits)?, algorithm).map_err(to_js)
}

fn to_js(error: impl std::fmt::Display) -> JsValue {
    crate::js_api::error("invalid_argument", &error.to_string())
}

/// `value` as a whole number of at most `Number.MAX_SAFE_INTEGER`, or an error naming
/// `argument`.
pub(crate) fn whole_number(argument: &str, value: f64) -> Result<u64, JsValue> {
    engine::whole_number_shown(argument, value, shown).map_err(to_js)
}

/// A number as JavaScript writes it (the browser's own formatting: Rust's float formatting
/// would add some 10 KB to the wasm).
pub(crate) fn shown(value: f64) -> String {
    js_sys::Number::from(value)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

fn digits_from(value: f64) -> Result<u8, JsValue> {
    engine::digits_of(whole_number("digits", value)?).map_err(to_js)
}

fn counter_from(value: JsValue) -> Result<u64, JsValue> {
    if let Some(number) = value.as_f64() {
        whole_number("counter", number)
    } else if value.is_bigint() {
        u64::try_from(value)
            .map_err(|_| to_js("counter must be a BigInt from 0n to 2n ** 64n - 1n"))
    } else {
        Err(to_js("counter must be a BigInt or a whole Number"))
    }
}
