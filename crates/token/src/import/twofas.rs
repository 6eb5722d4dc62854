//! 2FAS's plain `.2fas` backup: `{"services": [{"name", "secret", "otp": {"account", "issuer",
//! "digits", "period", "algorithm", "tokenType", "counter"}, ...}], "schemaVersion": N, ...}`. An
//! encrypted backup has `servicesEncrypted` and no services: refused whole.

use webtoken_engine::json::Value;

use super::{
    Entry, Fields, Format, ImportError, entry, member, members, number, optional_string, string,
};

/// The entries, if `value` is a 2FAS backup (`None`: it is not one).
pub fn read(value: &Value) -> Option<Result<Vec<Entry>, ImportError>> {
    let top = members(value)?;
    let services = member(top, "services")?;
    let Value::Array(items) = services else {
        return Some(Err(ImportError::UnknownFormat));
    };
    let encrypted = !matches!(member(top, "servicesEncrypted"), None | Some(Value::Null));
    if items.is_empty() && encrypted {
        return Some(Err(ImportError::Encrypted(Format::TwoFas)));
    }
    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let fields = members(item).unwrap_or(&[]);
        let otp = member(fields, "otp").and_then(members).unwrap_or(&[]);
        let issuer = match string(otp, "issuer") {
            "" => string(fields, "name"),
            issuer => issuer,
        };
        let account = match string(otp, "account") {
            "" => string(otp, "label"),
            account => account,
        };
        // `tokenType` is absent in the oldest backups, which held TOTP only.
        let kind = optional_string(otp, "tokenType").unwrap_or("TOTP");
        entries.push(entry(
            Fields {
                kind,
                issuer,
                account,
                secret: optional_string(fields, "secret"),
                algorithm: optional_string(otp, "algorithm"),
                digits: number(otp, "digits"),
                period: number(otp, "period"),
                counter: super::counter(otp, "counter"),
            },
            index + 1,
        ));
    }
    Some(Ok(entries))
}
