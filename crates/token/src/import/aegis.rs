//! Aegis's plain (unencrypted) JSON export, as its `docs/vault.md` documents it:
//! `{"version": 1, "header": {"slots": null, "params": null}, "db": {"version": N,
//! "entries": [{"type": "totp", "name", "issuer", "info": {"secret", "algo", "digits",
//! "period"}}, ...]}}`; an `"hotp"` entry's `info` has `counter` instead of `period`. An encrypted export has `db` as a Base64 string: refused whole.

use webtoken_engine::json::Value;

use super::{Entry, Fields, Format, ImportError, entry, member, members, number, string};

/// The entries, if `value` is an Aegis export (`None`: it is not one).
pub fn read(value: &Value) -> Option<Result<Vec<Entry>, ImportError>> {
    let top = members(value)?;
    let (header, db) = (member(top, "header")?, member(top, "db")?);
    members(header)?;
    let db = match db {
        Value::Str(_) => return Some(Err(ImportError::Encrypted(Format::Aegis))),
        other => members(other)?,
    };
    let Some(Value::Array(items)) = member(db, "entries") else {
        return Some(Err(ImportError::UnknownFormat));
    };
    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let fields = members(item).unwrap_or(&[]);
        let info = member(fields, "info").and_then(members).unwrap_or(&[]);
        entries.push(entry(
            Fields {
                kind: string(fields, "type"),
                issuer: string(fields, "issuer"),
                account: string(fields, "name"),
                secret: super::optional_string(info, "secret"),
                algorithm: super::optional_string(info, "algo"),
                digits: number(info, "digits"),
                period: number(info, "period"),
                counter: super::counter(info, "counter"),
            },
            index + 1,
        ));
    }
    Some(Ok(entries))
}
