//! The Authenticator browser extension's JSON export: an object of entries keyed by their hash,
//! `{"<hash>": {"account", "issuer", "secret", "type", "encrypted", "algorithm", "digits",
//! "period", "counter", ...}, ...}`; `type` is `totp`, `hotp`, `battle`, `steam`, `hex` or `hhex`. An
//! entry with `"encrypted": true` holds an encrypted secret: refused, the rest read.

use webtoken_engine::json::Value;

use super::{
    Entry, Fields, ImportError, Refusal, entry, member, members, name_of, number, optional_string,
    string,
};

/// The entries, if `value` is an extension export (`None`: it is not one).
pub fn read(value: &Value) -> Option<Result<Vec<Entry>, ImportError>> {
    let top = members(value)?;
    // Every member but the encryption `key` an encrypted export carries is an entry object
    // with a secret.
    let items: Vec<&[(String, Value)]> = top
        .iter()
        .filter(|(key, _)| key != "key")
        .map(|(_, v)| members(v))
        .collect::<Option<_>>()?;
    if items.is_empty() || !items.iter().all(|e| member(e, "secret").is_some()) {
        return None;
    }
    let entries = items
        .into_iter()
        .enumerate()
        .map(|(index, fields)| {
            if matches!(member(fields, "encrypted"), Some(Value::Bool(true))) {
                return Entry {
                    name: name_of(
                        string(fields, "issuer"),
                        string(fields, "account"),
                        index + 1,
                    ),
                    result: Err(Refusal::Encrypted),
                };
            }
            entry(
                Fields {
                    kind: optional_string(fields, "type").unwrap_or("totp"),
                    issuer: string(fields, "issuer"),
                    account: string(fields, "account"),
                    secret: optional_string(fields, "secret"),
                    algorithm: optional_string(fields, "algorithm"),
                    digits: number(fields, "digits"),
                    period: number(fields, "period"),
                    counter: super::counter(fields, "counter"),
                },
                index + 1,
            )
        })
        .collect();
    Some(Ok(entries))
}
