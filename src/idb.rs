//! A tiny IndexedDB wrapper: one database, one object store of named values. It keeps the
//! non-extractable `CryptoKey`s, which `localStorage` cannot hold (IndexedDB stores them by
//! structured clone, without ever exposing the key bytes).

use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use super::errors::{JsFailure, js_failure};

const DB_NAME: &str = "webtoken-keys";
const DB_VERSION: u32 = 1;
const STORE: &str = "keys";

/// Why IndexedDB could not be used (the core's reading of the exception).
pub use webtoken_token::keys::IdbError;

fn failure(value: JsValue) -> IdbError {
    js_failure(value).into()
}

/// Waits for a request to finish; its result, or the request's error.
async fn wait(request: &IdbRequest) -> Result<JsValue, IdbError> {
    // The promise's own resolve and reject functions are the handlers: no Rust closure to leak.
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let settled = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match settled {
        Ok(_) => request.result().map_err(failure),
        Err(_) => Err(match request.error() {
            Ok(Some(e)) => failure(e.into()),
            _ => IdbError::Failed(JsFailure::new("Error", "the request failed")),
        }),
    }
}

/// The database, opened (and created on first use).
pub struct Db {
    db: IdbDatabase,
}

impl Db {
    /// Opens the key database.
    pub async fn open() -> Result<Db, IdbError> {
        let window = web_sys::window().ok_or(IdbError::Unavailable("no window".into()))?;
        let factory = match window.indexed_db() {
            Ok(Some(f)) => f,
            Ok(None) => return Err(IdbError::Unavailable("no indexedDB".into())),
            Err(e) => return Err(IdbError::Unavailable(js_failure(e).to_string())),
        };
        let request: IdbOpenDbRequest = factory
            .open_with_u32(DB_NAME, DB_VERSION)
            .map_err(|e| IdbError::Unavailable(js_failure(e).to_string()))?;
        // Owned by this function and dropped once the open request has settled.
        let upgrade = {
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Ok(db) = request.result().and_then(|r| r.dyn_into::<IdbDatabase>())
                    && !db.object_store_names().contains(STORE)
                {
                    let _ = db.create_object_store(STORE);
                }
            })
        };
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let opened = wait(&request).await;
        request.set_onupgradeneeded(None);
        drop(upgrade);
        let db = opened?
            .dyn_into::<IdbDatabase>()
            .map_err(|_| IdbError::Unavailable("not a database".into()))?;
        Ok(Db { db })
    }

    fn store(&self, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, IdbError> {
        self.db
            .transaction_with_str_and_mode(STORE, mode)
            .and_then(|tx| tx.object_store(STORE))
            .map_err(failure)
    }

    /// The value named `name`, if any.
    pub async fn get(&self, name: &str) -> Result<Option<JsValue>, IdbError> {
        let request = self
            .store(IdbTransactionMode::Readonly)?
            .get(&JsValue::from_str(name))
            .map_err(failure)?;
        let value = wait(&request).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Stores `value` under `name` unless a value has that name already
    /// ([`IdbError::AlreadyExists`]): two tabs creating a key at once keep the first.
    pub async fn add(&self, name: &str, value: &JsValue) -> Result<(), IdbError> {
        let request = self
            .store(IdbTransactionMode::Readwrite)?
            .add_with_key(value, &JsValue::from_str(name))
            .map_err(failure)?;
        wait(&request).await.map(|_| ())
    }

    /// Removes the value named `name`.
    pub async fn delete(&self, name: &str) -> Result<(), IdbError> {
        let request = self
            .store(IdbTransactionMode::Readwrite)?
            .delete(&JsValue::from_str(name))
            .map_err(failure)?;
        wait(&request).await.map(|_| ())
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.db.close();
    }
}
