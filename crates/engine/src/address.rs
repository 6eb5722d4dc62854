//! The page address's encodings: a value of its query, and percent-encoding as JavaScript's
//! `encodeURIComponent` and `decodeURIComponent` do it, without a browser.
//!
//! ```
//! use webtoken_engine::address::{percent_decode, percent_encode, query_value};
//! let value = query_value("?lab=1&service=same%2Dorigin", "service").expect("present");
//! assert_eq!(percent_decode(value).as_deref(), Some("same-origin"));
//! assert_eq!(percent_encode("<a b>"), "%3Ca%20b%3E");
//! ```

/// The value of `name` in a query (`location.search`, its `?` optional), still
/// percent-encoded; the first one if it is there twice.
pub fn query_value<'a>(search: &'a str, name: &str) -> Option<&'a str> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// `text` percent-encoded as `encodeURIComponent` does: every UTF-8 byte but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as `%XX`.
pub fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

/// `text` with its `%XX` escapes decoded, as `decodeURIComponent` does (`+` stays `+`);
/// `None` where that throws: a `%` without two hex digits, or bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail.get(..2)?;
            let hex = core::str::from_utf8(hex).ok()?;
            bytes.push(
                u8::from_str_radix(hex, 16)
                    .ok()
                    .filter(|_| !hex.starts_with('+'))?,
            );
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_value_is_found_by_its_whole_name_first_one_first() {
        assert_eq!(query_value("?service=a&service=b", "service"), Some("a"));
        assert_eq!(query_value("lab=1&service=x%2F", "service"), Some("x%2F"));
        assert_eq!(query_value("?services=a", "service"), None);
        assert_eq!(query_value("?service", "service"), None);
        assert_eq!(query_value("", "service"), None);
        assert_eq!(query_value("?service=", "service"), Some(""));
    }

    #[test]
    fn encoding_matches_encode_uri_component() {
        // encodeURIComponent("<svg a=\"1\" b='2'>é/#?&+%-_.!~*()") in a browser.
        assert_eq!(
            percent_encode("<svg a=\"1\" b='2'>é/#?&+%-_.!~*()"),
            "%3Csvg%20a%3D%221%22%20b%3D'2'%3E%C3%A9%2F%23%3F%26%2B%25-_.!~*()"
        );
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn decoding_matches_decode_uri_component_and_refuses_what_it_throws_on() {
        assert_eq!(
            percent_decode("http%3A%2F%2F127.0.0.1%3a8080/").as_deref(),
            Some("http://127.0.0.1:8080/")
        );
        assert_eq!(percent_decode("a+b%C3%A9").as_deref(), Some("a+bé"));
        assert_eq!(percent_decode("%"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("%C3"), None, "not UTF-8");
        assert_eq!(percent_decode("%E3%81%82"), Some("あ".to_owned()));
    }

    #[test]
    fn decoding_undoes_encoding() {
        for text in ["same-origin", "http://[::1]:8080", "日本 語?&=", ""] {
            assert_eq!(percent_decode(&percent_encode(text)).as_deref(), Some(text));
        }
    }
}
