//! JavaScript exceptions turned into Rust data at the edge: no raw `JsValue` travels further.

use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript exception: its `name` (e.g. `QuotaExceededError`) and `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsFailure {
    /// The exception's `name`, or `"Error"` when it has none.
    pub name: String,
    /// The exception's `message`, or its string form.
    pub message: String,
}

impl From<JsValue> for JsFailure {
    fn from(value: JsValue) -> Self {
        if let Some(e) = value.dyn_ref::<js_sys::Error>() {
            return Self {
                name: String::from(e.name()),
                message: String::from(e.message()),
            };
        }
        // DOMException is not a js_sys::Error in every engine; read its fields by name.
        let field = |key: &str| {
            js_sys::Reflect::get(&value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
        };
        Self {
            name: field("name").unwrap_or_else(|| "Error".into()),
            message: field("message")
                .or_else(|| value.as_string())
                .unwrap_or_else(|| "unknown error".into()),
        }
    }
}

impl std::fmt::Display for JsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}
