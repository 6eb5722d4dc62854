//! The browser shell: the only code that touches the DOM, the clock and storage.
//!
//! `www/app.js` loads the package and calls [`start`]. Everything that decides something lives
//! in the pure core; this shell looks the elements up once ([`page::Page`]), renders state into
//! them, and owns its timers and listeners so that they are dropped with the view.

mod app;
mod bank_view;
mod clock;
pub mod crypto;
mod errors;
mod exports;
pub mod idb;
mod lab_panel;
mod page;
mod remote;
pub mod sealed;
pub mod service;
pub mod storage;
mod token_panel;
pub mod token_store;

use wasm_bindgen::prelude::*;

/// Starts the page: the in-page token service, the token panel and the bank.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsError> {
    app::start().await.map_err(|e| JsError::new(&e.to_string()))
}
