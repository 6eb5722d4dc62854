//! End-to-end tests: the real `index.html`, served with its real headers, in headless Chromium
//! driven through chromedriver. They check what a person sees.
//!
//! Run with `make test` (which builds `pkg/` first), or
//! `cargo test --features e2e --test e2e` after `make build`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod a11y;
use webtoken_server::backend;
mod backup;
mod bank;
mod durable;
mod example;
mod harness;
mod hotp;
mod import;
mod lab;
mod page;
mod qr_camera;
mod qr_image;
mod replay;
mod skeleton;
mod stored;
mod token;
mod token_more;
mod tour;
