//! A small JSON codec for what the browser keeps and sends: the token service's snapshot, the
//! bank's customers and the token service's HTTP API.
//!
//! The page used to reach JSON through serde and serde-wasm-bindgen. Their generic visitors were
//! the largest single part of the wasm (about 74 KB of code before gzip, with the float
//! formatter they kept); this codec does the same job in a few KB. serde stays the native
//! server's codec and the test oracle: `crates/bank/tests/json_records.rs` checks, for every record type, that
//! this codec writes the very bytes `serde_json` writes and reads what `serde_json` reads, so
//! records stored by earlier versions still open and the server still understands the page.
//!
//! What it accepts is what those records need: objects, arrays, strings, `true`/`false`,
//! `null` and whole numbers that fit `u64` or `i64` (`-0` reads as 0, as `JSON.parse` read it;
//! serde_json refuses it for unsigned fields). A fraction or an exponent is refused, as is
//! nesting deeper than [`MAX_DEPTH`], an object of more than [`MAX_MEMBERS`] members, a
//! duplicate key and anything after the value; none of these can come from a record this page
//! or serde wrote. Strings are wiped when dropped, and the text being written is wiped as it
//! grows (a snapshot holds secrets).

use std::fmt::{self, Write as _};

use zeroize::Zeroizing;

/// Deepest nesting read; the records here nest four levels at most.
pub const MAX_DEPTH: usize = 32;
/// Most members an object may have; the records here have eight at most. (Duplicate keys are
/// looked for among the members read so far, so this also bounds that work.)
pub const MAX_MEMBERS: usize = 64;

/// Why a JSON text or a value in it was refused, with the path to the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(String);

impl JsonError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The same error, under `place` (a field name or an item number).
    pub fn at(self, place: impl fmt::Display) -> Self {
        Self(format!("{place}: {}", self.0))
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

/// A parsed JSON value. It has no `Debug`: strings may be secrets.
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number: its sign and its magnitude.
    Int {
        /// Whether a minus sign was written.
        negative: bool,
        /// The magnitude.
        magnitude: u64,
    },
    /// A string, wiped when dropped.
    Str(Zeroizing<String>),
    /// An array.
    Array(Vec<Value>),
    /// An object's members, in order (keys are unique).
    Object(Vec<(String, Value)>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int { .. } => "a number",
            Value::Str(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    fn expected(&self, what: &str) -> JsonError {
        JsonError::new(format!("expected {what}, found {}", self.kind()))
    }

    /// The string, or an error naming what was found.
    pub fn as_str(&self) -> Result<&str, JsonError> {
        match self {
            Value::Str(s) => Ok(s),
            other => Err(other.expected("a string")),
        }
    }

    /// The object's members, or an error naming what was found.
    pub fn fields(&self) -> Result<Fields<'_>, JsonError> {
        match self {
            Value::Object(members) => Ok(Fields(members)),
            other => Err(other.expected("an object")),
        }
    }

    fn int(&self) -> Result<(bool, u64), JsonError> {
        match self {
            Value::Int {
                negative,
                magnitude,
            } => Ok((*negative, *magnitude)),
            other => Err(other.expected("a whole number")),
        }
    }
}

/// The members of an object, read by name.
#[derive(Clone, Copy)]
pub struct Fields<'a>(&'a [(String, Value)]);

impl<'a> Fields<'a> {
    fn raw(&self, name: &str) -> Option<&'a Value> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, v)| v)
    }

    /// The member `name`; a missing member is an error unless `T` is an `Option` (then `None`).
    pub fn get<T: FromJson>(&self, name: &str) -> Result<T, JsonError> {
        match self.raw(name) {
            Some(value) => T::from_json(value).map_err(|e| e.at(name)),
            None => T::missing().ok_or_else(|| JsonError::new(format!("missing field `{name}`"))),
        }
    }

    /// Refuses a member whose name is not in `known` (serde's `deny_unknown_fields`): for
    /// input typed by a person or a program, where a misspelt member must not fall back to a
    /// default unnoticed.
    pub fn only(&self, known: &[&str]) -> Result<(), JsonError> {
        match self
            .0
            .iter()
            .find(|(key, _)| !known.contains(&key.as_str()))
        {
            Some((key, _)) => Err(JsonError::new(format!(
                "unknown member `{key}`, expected one of `{}`",
                known.join("`, `")
            ))),
            None => Ok(()),
        }
    }

    /// The member `name`, or `T::default()` when it is missing (serde's `#[serde(default)]`).
    pub fn get_or_default<T: FromJson + Default>(&self, name: &str) -> Result<T, JsonError> {
        match self.raw(name) {
            Some(value) => T::from_json(value).map_err(|e| e.at(name)),
            None => Ok(T::default()),
        }
    }

    /// The string member `name` that names an enum variant (serde's internal tag).
    pub fn tag(&self, name: &str) -> Result<&'a str, JsonError> {
        self.raw(name)
            .ok_or_else(|| JsonError::new(format!("missing field `{name}`")))?
            .as_str()
            .map_err(|e| e.at(name))
    }
}

/// A type read from a JSON value.
pub trait FromJson: Sized {
    /// Reads `value`.
    fn from_json(value: &Value) -> Result<Self, JsonError>;

    /// What a missing object member means: an error (`None`) unless overridden.
    fn missing() -> Option<Self> {
        None
    }
}

/// A type written as JSON.
pub trait ToJson {
    /// Appends the JSON text of `self` to `out`.
    fn write_json(&self, out: &mut Out);
}

/// JSON text being written. Its buffer grows by hand: the old buffer is wiped before it is
/// freed, so a snapshot's secrets leave no copies behind as the text grows.
pub struct Out(Zeroizing<String>);

impl Out {
    fn reserve(&mut self, more: usize) {
        let needed = self.0.len() + more;
        if needed > self.0.capacity() {
            let mut grown = String::with_capacity(needed.max(self.0.capacity() * 2).max(256));
            grown.push_str(&self.0);
            // The old buffer is wiped when the Zeroizing that held it drops.
            self.0 = Zeroizing::new(grown);
        }
    }

    /// Appends `s`.
    pub fn push_str(&mut self, s: &str) {
        self.reserve(s.len());
        self.0.push_str(s);
    }

    /// Appends `c`.
    pub fn push(&mut self, c: char) {
        self.reserve(c.len_utf8());
        self.0.push(c);
    }
}

impl fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// A JavaScript number as the JSON text the codec reads (whole numbers only): refused, named as
/// `show` writes it (the browser's own formatting: Rust's float formatting would add some
/// 10 KB to the wasm), when it is not whole (`NaN` and infinities too, which `JSON.stringify`
/// would write as `null`) or lies beyond `Number.MAX_SAFE_INTEGER` either side, where
/// JavaScript no longer holds every integer and the number read may not be the one meant.
pub fn js_number(value: f64, show: impl FnOnce(f64) -> String) -> Result<String, String> {
    let bound = crate::MAX_SAFE_INTEGER as f64;
    if value.fract() != 0.0 || !value.is_finite() {
        return Err(format!("{} is not a whole number", show(value)));
    }
    if value.abs() > bound {
        return Err(format!(
            "{} is larger than Number.MAX_SAFE_INTEGER either side",
            show(value)
        ));
    }
    // Whole and within 2^53, so the cast is exact.
    let whole = value.abs() as u64;
    Ok(if value < 0.0 && whole != 0 {
        format!("-{whole}")
    } else {
        whole.to_string()
    })
}

/// The JSON text of `value`, wiped when dropped.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> Zeroizing<String> {
    let mut out = Out(Zeroizing::new(String::new()));
    value.write_json(&mut out);
    out.0
}

/// Reads `text` as one `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, JsonError> {
    T::from_json(&parse(text)?)
}

/// Writes an object: `fill` adds its members through [`Object::field`].
pub fn object(out: &mut Out, fill: impl FnOnce(&mut Object<'_>)) {
    out.push('{');
    fill(&mut Object { out, first: true });
    out.push('}');
}

/// An object being written.
pub struct Object<'a> {
    out: &'a mut Out,
    first: bool,
}

impl Object<'_> {
    /// Adds the member `name` with `value`.
    pub fn field<T: ToJson + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, name);
        self.out.push(':');
        value.write_json(self.out);
        self
    }
}

/// `ToJson` and `FromJson` for a struct written as an object of its fields, in the order given
/// (the order of its declaration, as serde writes it). `write` makes `ToJson` only.
#[macro_export]
macro_rules! json_object {
    (write $t:ty { $($field:ident),* $(,)? }) => {
        impl $crate::json::ToJson for $t {
            fn write_json(&self, out: &mut $crate::json::Out) {
                $crate::json::object(out, |o| {
                    $(o.field(stringify!($field), &self.$field);)*
                });
            }
        }
    };
    ($t:ty { $($field:ident),* $(,)? }) => {
        $crate::json_object!(write $t { $($field),* });

        impl $crate::json::FromJson for $t {
            fn from_json(value: &$crate::json::Value) -> Result<Self, $crate::json::JsonError> {
                let fields = value.fields()?;
                Ok(Self {
                    $($field: fields.get(stringify!($field))?,)*
                })
            }
        }
    };
}
#[doc(inline)]
pub use crate::json_object;

/// Appends `s` as a JSON string, escaped as `serde_json` and `JSON.stringify` escape.
pub fn write_str(out: &mut Out, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

impl ToJson for str {
    fn write_json(&self, out: &mut Out) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut Out) {
        write_str(out, self);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut Out) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// `{}`: the body of a request that carries nothing.
pub struct EmptyObject;

impl ToJson for EmptyObject {
    fn write_json(&self, out: &mut Out) {
        out.push_str("{}");
    }
}

impl ToJson for () {
    fn write_json(&self, out: &mut Out) {
        out.push_str("null");
    }
}

macro_rules! int_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut Out) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
int_to_json!(u8, u32, u64, i64);

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut Out) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut Out) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut Out) {
        self.as_slice().write_json(out);
    }
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        value.as_str().map(str::to_owned)
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(other.expected("a boolean")),
        }
    }
}

impl FromJson for u64 {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        match value.int()? {
            (true, m) if m != 0 => Err(JsonError::new(format!("-{m} is below 0"))),
            (_, m) => Ok(m),
        }
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        let (negative, m) = value.int()?;
        let n = if negative {
            0_i64.checked_sub_unsigned(m)
        } else {
            i64::try_from(m).ok()
        };
        n.ok_or_else(|| JsonError::new("number out of range"))
    }
}

macro_rules! small_from_json {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Value) -> Result<Self, JsonError> {
                let n = u64::from_json(value)?;
                <$t>::try_from(n).map_err(|_| {
                    JsonError::new(format!("{n} is above {}", <$t>::MAX))
                })
            }
        }
    )*};
}
small_from_json!(u8, u32);

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }

    fn missing() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| T::from_json(item).map_err(|e| e.at(i)))
                .collect(),
            other => Err(other.expected("an array")),
        }
    }
}

impl ToJson for Value {
    /// The value as JSON again (what [`parse`] read, in the form this codec writes).
    fn write_json(&self, out: &mut Out) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Int {
                negative,
                magnitude,
            } => {
                if *negative && *magnitude != 0 {
                    out.push('-');
                }
                magnitude.write_json(out);
            }
            Value::Str(s) => write_str(out, s),
            Value::Array(items) => items.write_json(out),
            Value::Object(members) => object(out, |o| {
                for (name, value) in members {
                    o.field(name, value);
                }
            }),
        }
    }
}

/// An entry of a stored list that could not be read as what it should be: kept as JSON, to be
/// written back unchanged (it may hold a secret: no `Debug`, wiped when dropped), with what was
/// wrong. One bad entry costs one entry: the others are read ([`read_entries`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Kept {
    /// The entry as JSON.
    text: Zeroizing<String>,
    /// What is wrong with it.
    pub why: String,
}

impl Kept {
    /// `value`, kept because of `why`.
    pub fn new(value: &(impl ToJson + ?Sized), why: impl fmt::Display) -> Self {
        Self {
            text: to_string(value),
            why: why.to_string(),
        }
    }

    /// Its string member `name`, if it has one (a name to show it by).
    pub fn member(&self, name: &str) -> Option<String> {
        let value = parse(&self.text).ok()?;
        value.fields().ok()?.get::<String>(name).ok()
    }
}

impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kept")
            .field("why", &self.why)
            .finish_non_exhaustive()
    }
}

impl ToJson for Kept {
    fn write_json(&self, out: &mut Out) {
        out.push_str(&self.text);
    }
}

/// A stored list read entry by entry ([`read_entries`]): what was read, and what was kept.
pub struct Entries<T> {
    /// The entries read.
    pub read: Vec<T>,
    /// The entries that could not be read, kept as stored.
    pub kept: Vec<Kept>,
}

impl<T: FromJson> FromJson for Entries<T> {
    fn from_json(value: &Value) -> Result<Self, JsonError> {
        let (read, kept) = read_entries(value, T::from_json)?;
        Ok(Self { read, kept })
    }
}

/// Writes a stored list: the entries `read`, then those `kept` as they were stored.
pub fn write_entries<'a, T: ToJson>(
    out: &mut Out,
    read: &[T],
    kept: impl IntoIterator<Item = &'a Kept>,
) {
    out.push('[');
    let entries = (read.iter().map(|r| r as &dyn ToJson)).chain(kept.into_iter().map(|k| k as _));
    for (i, entry) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        entry.write_json(out);
    }
    out.push(']');
}

/// The array `value`, entry by entry: each entry `read` accepts, and each it refuses kept with
/// its reason. Only a value that is not an array is an error.
pub fn read_entries<T, E: fmt::Display>(
    value: &Value,
    mut read: impl FnMut(&Value) -> Result<T, E>,
) -> Result<(Vec<T>, Vec<Kept>), JsonError> {
    let Value::Array(items) = value else {
        return Err(value.expected("an array"));
    };
    let (mut read_ok, mut kept) = (Vec::new(), Vec::new());
    for item in items {
        match read(item) {
            Ok(entry) => read_ok.push(entry),
            Err(why) => kept.push(Kept::new(item, why)),
        }
    }
    Ok((read_ok, kept))
}

/// The error for a string that names no variant of an enum.
pub fn unknown_variant(found: &str, expected: &[&str]) -> JsonError {
    JsonError::new(format!(
        "unknown variant `{found}`, expected one of `{}`",
        expected.join("`, `")
    ))
}

/// Any value at all, not looked at (an answer whose body does not matter).
pub struct Ignored;

impl FromJson for Ignored {
    fn from_json(_: &Value) -> Result<Self, JsonError> {
        Ok(Ignored)
    }
}

/// Parses one JSON text (RFC 8259), with the limits in the module docs.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut parser = Parser {
        text,
        at: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.space();
    if parser.at < text.len() {
        return Err(parser.error("unexpected text after the value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> JsonError {
        JsonError::new(format!("{what} at byte {}", self.at))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", char::from(byte))))
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        self.space();
        let Some(first) = self.peek() else {
            return Err(self.error("unexpected end"));
        };
        match first {
            b'{' | b'[' => {
                if self.depth == MAX_DEPTH {
                    return Err(self.error("nested too deeply"));
                }
                self.depth += 1;
                self.at += 1;
                let value = if first == b'{' {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                value
            }
            b'"' => self.string().map(Value::Str),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                for (word, value) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                ] {
                    if self.text[self.at..].starts_with(word) {
                        self.at += word.len();
                        return Ok(value);
                    }
                }
                Err(self.error("unexpected character"))
            }
        }
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        let mut members: Vec<(String, Value)> = Vec::new();
        if self.eat(b'}') {
            return Ok(Value::Object(members));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            if members.len() == MAX_MEMBERS {
                return Err(self.error("too many members in an object"));
            }
            let key = self.string()?;
            if members.iter().any(|(k, _)| **k == *key) {
                return Err(self.error(&format!("duplicate key `{}`", key.as_str())));
            }
            self.expect(b':')?;
            let value = self.value()?;
            members.push((key.to_string(), value));
            if self.eat(b'}') {
                return Ok(Value::Object(members));
            }
            self.expect(b',')?;
        }
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            self.expect(b',')?;
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let digits = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let text = &self.text[digits..self.at];
        if text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
            self.at = start;
            return Err(self.error("malformed number"));
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            self.at = start;
            return Err(self.error("not a whole number"));
        }
        let magnitude = text.bytes().try_fold(0_u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        });
        match magnitude {
            Some(magnitude) => Ok(Value::Int {
                negative,
                magnitude,
            }),
            None => {
                self.at = start;
                Err(self.error("number out of range"))
            }
        }
    }

    /// A string; `self.at` is at its opening quote.
    fn string(&mut self) -> Result<Zeroizing<String>, JsonError> {
        self.at += 1;
        let mut out = Zeroizing::new(String::new());
        let mut run = self.at;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    let c = self.escape()?;
                    out.push(c);
                    run = self.at;
                }
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => self.at += 1,
            }
        }
    }

    /// One escape; `self.at` is just after its backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = match unit {
                    0xd800..=0xdbff => {
                        if !self.text[self.at..].starts_with("\\u") {
                            return Err(self.error("lone surrogate"));
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xdc00..=0xdfff).contains(&low) {
                            return Err(self.error("lone surrogate"));
                        }
                        0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                    }
                    0xdc00..=0xdfff => return Err(self.error("lone surrogate")),
                    _ => unit,
                };
                char::from_u32(code).ok_or_else(|| self.error("bad escape"))?
            }
            _ => return Err(self.error("bad escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("bad \\u escape"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("bad \\u escape"))
    }
}

/// Proptest strategies the crates' tests share (the `testing` feature).
#[cfg(any(test, feature = "testing"))]
pub mod strategies {
    use proptest::prelude::*;

    /// Strings with the characters that need escaping well represented.
    pub fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(
                prop_oneof![
                    (0_u8..0x20).prop_map(char::from),
                    Just('"'),
                    Just('\\'),
                    Just('/'),
                    Just('\u{7f}'),
                    Just('\u{2028}'),
                    Just('日'),
                    Just('😀'),
                    any::<char>(),
                ],
                0..24
            )
            .prop_map(|chars| chars.into_iter().collect()),
        ]
    }
}

#[cfg(test)]
mod tests;
