//! A Key URI as plain named values, for the package's JavaScript `parseKeyUri` and `toKeyUri`.
//! They cross as JSON in the engine's codec ([`KeyUriFields::from_json_text`], and `ToJson`):
//! the shell turns JavaScript objects into JSON text and back, and nothing more.
//!
//! Both directions go through [`KeyUri::parse`], so `toKeyUri` applies every rule the parser
//! applies (secret length, digits, period, issuer) and writes only URIs this token reads back.
//!
//! ```
//! use webtoken_token::otpauth::fields::KeyUriFields;
//! let uri = "otpauth://totp/ACME%20Co:jo@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co\
//!            &algorithm=SHA1&digits=6&period=30";
//! let fields = KeyUriFields::parse(uri).expect("a Key URI");
//! assert_eq!(fields.account, "jo@example.com");
//! assert_eq!(fields.to_uri().expect("valid fields"), uri);
//! ```

use zeroize::Zeroizing;

use webtoken_engine::json::{self, FromJson, JsonError, Out, ToJson, Value, object};
use webtoken_engine::{Algorithm, Params, Secret};

use super::{KeyUri, OtpauthError};

/// The members of a Key URI, as JavaScript names them (`kind` is `type`). `type`, `issuer`,
/// `algorithm`, `digits` and `period` may be left out when writing (`totp`, none, SHA1, 6 and
/// 30); unknown members are refused, so a misspelt `digit` is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUriFields {
    /// `"totp"` or `"hotp"`; when writing, left out means `"totp"`.
    pub kind: String,
    /// The service the account belongs to, if named.
    pub issuer: Option<String>,
    /// The account name.
    pub account: String,
    /// The shared secret in Base32 (unpadded, upper case when read).
    pub secret: Zeroizing<String>,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// Digits of a code: 6, 7 or 8.
    pub digits: u8,
    /// Seconds a code lasts (a TOTP token's).
    pub period: u64,
    /// The counter of an HOTP token's next code (`None` for TOTP).
    pub counter: Option<u64>,
}

const MEMBERS: [&str; 8] = [
    "type",
    "issuer",
    "account",
    "secret",
    "algorithm",
    "digits",
    "period",
    "counter",
];

impl ToJson for KeyUriFields {
    fn write_json(&self, out: &mut Out) {
        object(out, |o| {
            o.field("type", &self.kind)
                .field("issuer", &self.issuer)
                .field("account", &self.account)
                .field("secret", self.secret.as_str())
                .field("algorithm", &self.algorithm)
                .field("digits", &self.digits)
                .field("period", &self.period)
                .field("counter", &self.counter);
        });
    }
}

impl FromJson for KeyUriFields {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        let f = value.fields()?;
        f.only(&MEMBERS)?;
        let or = |name: &str, default: &str| -> Result<String, JsonError> {
            Ok(f.get::<Option<String>>(name)?
                .unwrap_or_else(|| default.to_owned()))
        };
        Ok(KeyUriFields {
            kind: or("type", "totp")?,
            issuer: f.get("issuer")?,
            account: f.get("account")?,
            secret: Zeroizing::new(f.get("secret")?),
            algorithm: or("algorithm", "SHA1")?,
            digits: f.get::<Option<u8>>("digits")?.unwrap_or(6),
            period: f.get::<Option<u64>>("period")?.unwrap_or(30),
            counter: f.get("counter")?,
        })
    }
}

impl KeyUriFields {
    /// Fields a program gave as JSON text, or why they are not fields of a Key URI (a missing
    /// `account` or `secret`, a member of the wrong type, an unknown member).
    pub fn from_json_text(text: &str) -> Result<KeyUriFields, JsonError> {
        json::from_str(text)
    }

    /// Reads `uri` ([`KeyUri::parse`]'s rules and errors).
    pub fn parse(uri: &str) -> Result<KeyUriFields, OtpauthError> {
        let key = KeyUri::parse(uri)?;
        Ok(KeyUriFields {
            kind: if key.counter.is_some() {
                "hotp"
            } else {
                "totp"
            }
            .to_owned(),
            issuer: key.issuer,
            account: key.account,
            secret: Zeroizing::new(key.secret.to_base32()),
            algorithm: key.params.algorithm.as_str().to_owned(),
            digits: key.params.digits,
            period: key.params.period,
            counter: key.counter,
        })
    }

    /// The canonical URI of these fields, checked by reading it back: anything the parser
    /// would refuse (a short secret, 9 digits, a colon in the issuer) is refused here.
    pub fn to_uri(&self) -> Result<String, OtpauthError> {
        let counter = match (self.kind.as_str(), self.counter) {
            ("totp", None) => None,
            // A counter names an HOTP token: on a TOTP one it would be dropped unnoticed.
            ("totp", Some(_)) => return Err(OtpauthError::UnknownType),
            ("hotp", None) => return Err(OtpauthError::MissingCounter),
            ("hotp", Some(counter)) => Some(counter),
            _ => return Err(OtpauthError::UnknownType),
        };
        let secret = Secret::from_base32(&self.secret).map_err(|_| {
            // The parser's own words for a secret that is not Base32.
            KeyUri::parse(&Zeroizing::new(format!(
                "otpauth://totp/a?secret={}",
                self.secret.as_str()
            )))
            .err()
            .unwrap_or(OtpauthError::SecretNotBase32 { position: None })
        })?;
        let algorithm =
            self.algorithm
                .parse::<Algorithm>()
                .map_err(|_| OtpauthError::UnknownAlgorithm {
                    name: self.algorithm.chars().take(32).collect(),
                })?;
        let key = KeyUri {
            issuer: self.issuer.clone(),
            account: self.account.clone(),
            secret,
            params: Params {
                algorithm,
                digits: self.digits,
                period: self.period,
                t0: 0,
            },
            counter,
        };
        let uri = Zeroizing::new(key.to_uri());
        KeyUri::parse(&uri)?;
        Ok(uri.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA256&digits=8&period=60";

    #[test]
    fn parse_gives_every_member_and_to_uri_writes_it_back() {
        let fields = KeyUriFields::parse(URI).expect("parsed");
        assert_eq!(
            fields,
            KeyUriFields {
                kind: "totp".into(),
                issuer: Some("Example".into()),
                account: "alice@example.com".into(),
                secret: Zeroizing::new("JBSWY3DPEHPK3PXP".into()),
                algorithm: "SHA256".into(),
                digits: 8,
                period: 60,
                counter: None,
            }
        );
        assert_eq!(fields.to_uri().expect("valid"), URI);
    }

    #[test]
    fn to_uri_refuses_what_the_parser_refuses() {
        let good = KeyUriFields::parse(URI).expect("parsed");
        let cases = [
            (
                KeyUriFields {
                    digits: 9,
                    ..good.clone()
                },
                "digits",
            ),
            (
                KeyUriFields {
                    secret: Zeroizing::new("JBSWY3DP".into()),
                    ..good.clone()
                },
                "bits",
            ),
            (
                KeyUriFields {
                    secret: Zeroizing::new("not base32!".into()),
                    ..good.clone()
                },
                "Base32",
            ),
            (
                KeyUriFields {
                    algorithm: "MD5".into(),
                    ..good.clone()
                },
                "MD5",
            ),
            (
                KeyUriFields {
                    issuer: Some("A:B".into()),
                    ..good.clone()
                },
                "colon",
            ),
            (
                KeyUriFields {
                    kind: "hotp".into(),
                    ..good.clone()
                },
                "counter",
            ),
            (
                KeyUriFields {
                    kind: "motp".into(),
                    ..good.clone()
                },
                "type",
            ),
            (
                KeyUriFields {
                    period: 0,
                    ..good.clone()
                },
                "period",
            ),
        ];
        for (fields, word) in cases {
            let error = fields.to_uri().expect_err("refused");
            let message = error.message_en();
            assert!(
                message.to_lowercase().contains(&word.to_lowercase()),
                "{fields:?}: {message}"
            );
        }
    }

    #[test]
    fn hotp_uris_carry_their_counter_both_ways() {
        let uri = "otpauth://hotp/Example:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7";
        let fields = KeyUriFields::parse(uri).expect("an HOTP URI");
        assert_eq!((fields.kind.as_str(), fields.counter), ("hotp", Some(7)));
        let written = fields.to_uri().expect("valid");
        assert_eq!(KeyUriFields::parse(&written).expect("read back"), fields);
        let with_counter = KeyUriFields {
            kind: "totp".into(),
            ..fields
        };
        assert!(with_counter.to_uri().is_err(), "a TOTP key with a counter");
    }

    #[test]
    fn json_fields_take_defaults_and_refuse_unknown_members() {
        let fields =
            KeyUriFields::from_json_text(r#"{"account":"bob","secret":"JBSWY3DPEHPK3PXP"}"#)
                .expect("the least a URI needs");
        assert_eq!(
            fields.to_uri().expect("valid"),
            "otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30"
        );
        let written = json::to_string(&fields);
        assert_eq!(
            written.as_str(),
            r#"{"type":"totp","issuer":null,"account":"bob","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30,"counter":null}"#
        );
        assert_eq!(
            KeyUriFields::from_json_text(&written).expect("read back"),
            fields
        );
        for (text, word) in [
            (
                r#"{"account":"bob","secret":"JBSWY3DPEHPK3PXP","digit":6}"#,
                "`digit`",
            ),
            (r#"{"account":"bob"}"#, "secret"),
            (
                r#"{"account":"bob","secret":"JBSWY3DPEHPK3PXP","digits":"6"}"#,
                "digits",
            ),
            (
                r#"{"account":"bob","secret":"JBSWY3DPEHPK3PXP","digits":256}"#,
                "digits",
            ),
            ("null", "object"),
        ] {
            let error = KeyUriFields::from_json_text(text).expect_err(text);
            assert!(error.to_string().contains(word), "{text}: {error}");
        }
    }

    #[test]
    fn hostile_input_is_an_error_never_a_panic() {
        for uri in [
            "",
            "otpauth://",
            "otpauth://totp/",
            "otpauth://totp/a?secret=",
            "otpauth://totp/%FF?secret=JBSWY3DPEHPK3PXP",
            &"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&x=".repeat(100),
        ] {
            assert!(KeyUriFields::parse(uri).is_err(), "{uri:?}");
        }
    }
}
