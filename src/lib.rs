//! The browser shell: the only code that touches the DOM, the clock and storage.
//!
//! `www/app.js` loads the package and calls `start()`. Everything that decides something lives
//! in the pure core; this shell looks the elements up once (`page::Page`), renders state into
//! them, and owns its timers and listeners so that they are dropped with the view.
//!
//! The roles it draws are crates of their own: `webtoken-engine` (codes, Token IDs, the JSON
//! codec, the message catalogue), `webtoken-token` (the customer's device),
//! `webtoken-token-service` (issues credentials, validates codes) and `webtoken-bank` (the
//! relying party, with the guided tour and the time lab). This crate is compiled only for
//! `wasm32`: on any other target it is empty, so a DOM call can never reach the native core.
#![cfg(target_arch = "wasm32")]

mod app;
mod bank_view;
mod clock;
pub mod crypto;
mod errors;
pub mod exports;
pub mod idb;
pub mod js_api;
mod lab_panel;
mod page;
mod remote;
mod render;
pub mod service;
pub mod storage;
pub mod token_panel;
pub mod token_store;
mod tour;

use wasm_bindgen::prelude::*;

/// Tells the customer that the service worker holds a new version of the page, used from the
/// next load on (`www/app.js` calls this when `sw.js` says so).
#[wasm_bindgen(js_name = newVersionReady)]
pub fn new_version_ready() {
    app::new_version_ready();
}

/// For `make bench`'s memory figure (not part of the package's API): draws the token display `ticks` times, each one
/// second later on the page's shared clock (as the time lab shifts it), without waiting, then
/// puts the clock back. Returns the wasm linear memory's size in bytes before and after, and
/// the number of draws made and of distinct time steps the display showed.
#[wasm_bindgen(js_name = benchDisplayTicks)]
pub fn bench_display_ticks(ticks: u32) -> Vec<f64> {
    app::bench_display_ticks(ticks)
}

/// Starts the page: the in-page token service, the token panel and the bank.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsError> {
    app::start().await.map_err(|e| JsError::new(&e.to_string()))
}
