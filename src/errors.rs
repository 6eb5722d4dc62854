//! JavaScript exceptions turned into Rust data at the edge: no raw `JsValue` travels further.
//! What an exception means is the core's ([`webtoken_engine::failure`]).

use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript exception: its `name` (e.g. `QuotaExceededError`) and `message`.
pub use webtoken_engine::failure::Failure as JsFailure;

/// The exception `value` as data.
pub fn js_failure(value: JsValue) -> JsFailure {
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return JsFailure::new(&String::from(e.name()), &String::from(e.message()));
    }
    // DOMException is not a js_sys::Error in every engine; read its fields by name.
    let field = |key: &str| {
        js_sys::Reflect::get(&value, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    JsFailure {
        name: field("name").unwrap_or_else(|| "Error".into()),
        message: field("message")
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown error".into()),
    }
}
