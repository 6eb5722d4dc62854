//! The package's JavaScript API beyond `totp` and `hotp` ([`crate::exports`]): Key URIs and the
//! `Validator`. Every decision is the core's (`webtoken_token::otpauth::fields`,
//! `webtoken_token_service::validator`, with native tests); this file only checks that strings
//! are strings, carries plain objects across as JSON text in the engine's codec, and turns
//! errors into `Error` objects with a stable `code`.
//!
//! Why JSON text and not `serde-wasm-bindgen` (which the design card names): measured with
//! `python3 scripts/bench.py size`, the same API through `serde-wasm-bindgen` and serde's derives
//! made the first load 262,354 B gzipped, against 237,190 B before the API; the engine's codec is
//! already in the wasm for storage, so this way adds only the API itself. `serde-wasm-bindgen`
//! also reads only the members a struct declares, so a misspelt member (`maxFailure`) would be
//! ignored silently; the codec's `Fields::only` refuses it.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use webtoken_engine::json::{self, ToJson};
use webtoken_token::otpauth::fields::KeyUriFields;
use webtoken_token_service::validator::{self, PolicyInput};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** The members of an `otpauth://` Key URI. */
export interface KeyUriFields {
  /** `"totp"` (time-based, the default) or `"hotp"` (counter-based, with `counter`). */
  type?: "totp" | "hotp";
  /** The service the account belongs to, if named. */
  issuer?: string | null;
  /** The account name. */
  account: string;
  /** The shared secret in Base32 (80 bits at least). */
  secret: string;
  /** `"SHA1"` (default), `"SHA256"` or `"SHA512"`. */
  algorithm?: "SHA1" | "SHA256" | "SHA512";
  /** Digits of a code: 6 (default), 7 or 8. */
  digits?: number;
  /** Seconds a code lasts: 30 by default (TOTP). */
  period?: number;
  /** An HOTP token's counter (`null` for TOTP). */
  counter?: number | null;
}

/** A validator's rules; every member optional (the defaults in brackets). */
export interface ValidatorPolicy {
  /** Steps accepted either side of the clock [1; at most 10]. */
  window?: number;
  /** Consecutive failures that lock a credential [10; at least 1]. */
  maxFailures?: number;
  /** Largest clock drift tracked, in steps [100; at most 1000]. */
  maxDrift?: number;
  /** Seconds after a lock before `unlock` may lift it [none]. */
  cooldown?: number | null;
  /** Steps ahead of the clock a resync searches [100; 1 to 1000]. */
  resyncWindow?: number;
  /** Steps behind the clock a resync searches [2; at most 10]. */
  resyncBack?: number;
}

/** A credential `Validator.issue` made: what the token needs. */
export interface IssuedCredential {
  /** The credential's name, `WBTK` and 8 digits. */
  tokenId: string;
  /** The shared secret in Base32 (160 bits). */
  secret: string;
  algorithm: "SHA1" | "SHA256" | "SHA512";
  digits: number;
  period: number;
}

/** The answer to a code. */
export interface Validation {
  outcome: "accepted" | "rejected";
  /** The time step of the accepted code (`null` when rejected). */
  step: number | null;
  /** The credential's clock drift after an accepted code, in steps. */
  drift: number | null;
  /** Why a code was rejected (`null` when accepted). */
  reason: "malformed" | "unknown_token" | "mismatch" | "replayed" | "locked_out" | "stopped" | "unavailable" | null;
  /** The reason in English words. */
  message: string | null;
}
"#;

/// An `Error` whose `name` is `WebtokenError` and whose `code` is a stable name for programs.
pub(crate) fn error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("WebtokenError");
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// `value` as a string, or an `invalid_argument` error naming `argument`.
fn string(argument: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| error("invalid_argument", &format!("{argument} must be a string")))
}

/// `value` as a JavaScript object (through its JSON text, wiped after).
fn plain<T: ToJson>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&json::to_string(value)).map_err(|_| error("failed", "no JSON"))
}

/// Deepest nesting [`json_text`] follows (the codec's own limit).
const MAX_DEPTH: usize = json::MAX_DEPTH;

/// The JSON text of a JavaScript value, or what in it JSON cannot hold: unlike
/// `JSON.stringify`, `NaN` and infinities are refused rather than written as `null`, and so are
/// `BigInt`s, functions and symbols; `undefined` members are left out, as they are there.
fn json_text(value: &JsValue) -> Result<Zeroizing<String>, String> {
    let mut out = Zeroizing::new(String::new());
    write_json(value, &mut out, 0)?;
    Ok(out)
}

fn write_json(value: &JsValue, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    if value.is_null() || value.is_undefined() {
        out.push_str("null");
    } else if let Some(b) = value.as_bool() {
        out.push_str(if b { "true" } else { "false" });
    } else if let Some(n) = value.as_f64() {
        out.push_str(&json::js_number(n, crate::exports::shown)?);
    } else if let Some(s) = value.as_string() {
        out.push_str(&json::to_string(s.as_str()));
    } else if js_sys::Array::is_array(value) {
        out.push('[');
        for (i, item) in js_sys::Array::from(value).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_json(&item, out, depth + 1)?;
        }
        out.push(']');
    } else if value.is_object() && !value.is_function() {
        out.push('{');
        let mut first = true;
        for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
            let entry = js_sys::Array::from(&entry);
            let (key, member) = (entry.get(0), entry.get(1));
            if member.is_undefined() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&json::to_string(
                key.as_string().unwrap_or_default().as_str(),
            ));
            out.push(':');
            write_json(&member, out, depth + 1)
                .map_err(|e| format!("{}: {e}", key.as_string().unwrap_or_default()))?;
        }
        out.push('}');
    } else {
        return Err(format!(
            "a {} cannot be given",
            value.js_typeof().as_string().unwrap_or_default()
        ));
    }
    Ok(())
}

/// The members of an `otpauth://totp/` or `otpauth://hotp/` Key URI; throws a `WebtokenError` (`code`
/// `"invalid_key_uri"`) saying what is wrong with it.
#[wasm_bindgen(js_name = parseKeyUri, unchecked_return_type = "KeyUriFields")]
pub fn parse_key_uri(
    #[wasm_bindgen(unchecked_param_type = "string")] uri: JsValue,
) -> Result<JsValue, JsValue> {
    let uri = string("uri", &uri)?;
    let fields =
        KeyUriFields::parse(&uri).map_err(|e| error("invalid_key_uri", &e.message_en()))?;
    plain(&fields)
}

/// The canonical `otpauth://` URI of `fields`, checked by the same rules as
/// `parseKeyUri`; throws a `WebtokenError` (`"invalid_argument"` for a value of the wrong type
/// or an unknown member, `"invalid_key_uri"` for a value the format refuses).
#[wasm_bindgen(js_name = toKeyUri)]
pub fn to_key_uri(
    #[wasm_bindgen(unchecked_param_type = "KeyUriFields")] fields: JsValue,
) -> Result<String, JsValue> {
    let fields = json_text(&fields)
        .and_then(|text| KeyUriFields::from_json_text(&text).map_err(|e| e.to_string()))
        .map_err(|e| error("invalid_argument", &format!("fields: {e}")))?;
    fields
        .to_uri()
        .map_err(|e| error("invalid_key_uri", &e.message_en()))
}

/// A code validator with the token service's rules: single-use codes, a failure count that
/// locks, a clock window with tracked drift, an HMAC-chained audit log. Keep its state with
/// `exportState()` and `Validator.fromState(text)`; the state holds the secrets.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Validator {
    inner: validator::Validator,
}

#[wasm_bindgen]
impl Validator {
    /// A validator with no credentials under `policy` (every member optional). Throws a
    /// `WebtokenError` (`"invalid_policy"`) for a value out of bounds or an unknown member.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ValidatorPolicy | undefined")] policy: JsValue,
    ) -> Result<Validator, JsValue> {
        let text =
            json_text(&policy).map_err(|e| error("invalid_policy", &format!("policy: {e}")))?;
        let policy = PolicyInput::from_json_text(&text).map_err(api)?;
        validator::Validator::new(&policy, &mut webtoken_engine::random::OsRandom)
            .map(|inner| Validator { inner })
            .map_err(api)
    }

    /// Issues a credential at Unix time `now` (seconds).
    #[wasm_bindgen(unchecked_return_type = "IssuedCredential")]
    pub fn issue(&self, now: f64) -> Result<JsValue, JsValue> {
        plain(&self.inner.issue(seconds(now)?).map_err(api)?)
    }

    /// Checks `code` for `tokenId` at Unix time `now` (seconds): an answer, never a throw, for
    /// any string (a wrong code, an unknown Token ID); throws only for arguments of the wrong
    /// type.
    #[wasm_bindgen(unchecked_return_type = "Validation")]
    pub fn validate(
        &self,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "string")] token_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let (token_id, code) = (string("tokenId", &token_id)?, string("code", &code)?);
        plain(&self.inner.validate(&token_id, &code, seconds(now)?))
    }

    /// Re-centres a credential's clock drift from two consecutive codes.
    #[wasm_bindgen(unchecked_return_type = "Validation")]
    pub fn resync(
        &self,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "string")] token_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] first: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] second: JsValue,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let token_id = string("tokenId", &token_id)?;
        let (first, second) = (string("first", &first)?, string("second", &second)?);
        plain(&self.inner.resync(&token_id, &first, &second, seconds(now)?))
    }

    /// Lifts a lock (the audit log records `actor`). Throws `"not_locked"`, `"stopped"`,
    /// `"cooling_down"`, `"unknown_token"` or `"invalid_token_id"`.
    pub fn unlock(
        &self,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "string")] token_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        now: f64,
    ) -> Result<(), JsValue> {
        let (token_id, actor) = (string("tokenId", &token_id)?, string("actor", &actor)?);
        self.inner
            .unlock(&token_id, &actor, seconds(now)?)
            .map_err(api)
    }

    /// Stops a credential for good (the audit log records `actor` and `reason`).
    pub fn stop(
        &self,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "string")] token_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reason: JsValue,
        now: f64,
    ) -> Result<(), JsValue> {
        let (token_id, actor) = (string("tokenId", &token_id)?, string("actor", &actor)?);
        let reason = string("reason", &reason)?;
        self.inner
            .stop(&token_id, &actor, &reason, seconds(now)?)
            .map_err(api)
    }

    /// Every credential (secrets included), the audit log and the policy, as one versioned
    /// JSON text for `Validator.fromState`.
    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self) -> Result<String, JsValue> {
        self.inner
            .export_state()
            .map(|text| text.to_string())
            .map_err(api)
    }

    /// A validator from `exportState`'s text. Throws `"invalid_state"` (not such a text, or a
    /// newer version's), `"audit_chain"` (events removed or altered) or `"state_too_large"`.
    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(
        #[wasm_bindgen(unchecked_param_type = "string")] state: JsValue,
    ) -> Result<Validator, JsValue> {
        let state = Zeroizing::new(string("state", &state)?);
        validator::Validator::from_state(&state)
            .map(|inner| Validator { inner })
            .map_err(api)
    }
}

fn api(e: validator::ApiError) -> JsValue {
    error(e.code, &e.message)
}

fn seconds(now: f64) -> Result<u64, JsValue> {
    crate::exports::whole_number("now", now)
}
