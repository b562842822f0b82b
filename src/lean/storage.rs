//! What the app keeps on the phone, in IndexedDB: consultations and their
//! list as the server last sent them, the outbox, and the server's answers
//! to the citizen's actions. Every record is a JSON
//! text under a text key, so the rest of the app never sees IndexedDB.
//!
//! A few lines over web-sys rather than an IndexedDB crate: the app needs
//! six operations on text records, and the maintained crate that does them
//! (`idb`, which waits on requests with tokio's channels) measured 5.6 KB
//! more of compressed download for every citizen. A request here is awaited
//! as a promise.
//!
//! A phone may refuse storage (private browsing, a full disk): reads then
//! find nothing and writes answer `false`; the app works on, only without
//! its offline copies.

use std::cell::RefCell;

use js_sys::Promise;
use leptos::prelude::window;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "baraza";
/// Raise it when a shelf is added: [`open`] then creates it.
const VERSION: u32 = 2;

/// An object store, one per kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    /// Each consultation the citizen opened or chose to keep, by id.
    Consultations,
    /// The list of published consultations, under [`LIST_KEY`].
    Lists,
    /// Citizen actions not yet acknowledged by the server, by action id.
    Outbox,
    /// What the server answered for each action, receipt or refusal, under
    /// the action's outbox key: the citizen's record of what they sent.
    Answers,
}

/// The key of the home screen's list on [`Shelf::Lists`].
pub const LIST_KEY: &str = "published";

impl Shelf {
    pub const ALL: [Shelf; 4] = [Shelf::Consultations, Shelf::Lists, Shelf::Outbox, Shelf::Answers];

    fn name(self) -> &'static str {
        match self {
            Shelf::Consultations => "consultations",
            Shelf::Lists => "lists",
            Shelf::Outbox => "outbox",
            Shelf::Answers => "answers",
        }
    }
}

thread_local! {
    /// One connection for the whole visit.
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// The result of an IndexedDB request once it has succeeded.
async fn settled(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await?;
    request.result()
}

/// Whether a read-write transaction reached the disk.
async fn committed(transaction: &IdbTransaction) -> bool {
    let done = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    JsFuture::from(done).await.is_ok()
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = window().indexed_db()?.ok_or(JsValue::NULL)?;
    let request = factory.open_with_u32(DATABASE, VERSION)?;
    let upgrading = request.clone();
    let create_shelves = Closure::<dyn Fn()>::new(move || {
        let Ok(database) = upgrading.result() else { return };
        let database: IdbDatabase = database.unchecked_into();
        for shelf in Shelf::ALL {
            if !database.object_store_names().contains(shelf.name()) {
                let _ = database.create_object_store(shelf.name());
            }
        }
    });
    request.set_onupgradeneeded(Some(create_shelves.as_ref().unchecked_ref()));
    let database = settled(&request).await;
    request.set_onupgradeneeded(None);
    Ok(database?.unchecked_into())
}

async fn database() -> Option<IdbDatabase> {
    if let Some(database) = OPEN.with_borrow(Clone::clone) {
        return Some(database);
    }
    let database = open().await.ok()?;
    OPEN.with_borrow_mut(|open| *open = Some(database.clone()));
    Some(database)
}

async fn shelf_for(shelf: Shelf, mode: IdbTransactionMode) -> Option<(IdbTransaction, IdbObjectStore)> {
    let transaction = database().await?.transaction_with_str_and_mode(shelf.name(), mode).ok()?;
    let store = transaction.object_store(shelf.name()).ok()?;
    Some((transaction, store))
}

/// The record under `key`, if there is one.
pub async fn read(shelf: Shelf, key: &str) -> Option<String> {
    let (_, store) = shelf_for(shelf, IdbTransactionMode::Readonly).await?;
    settled(&store.get(&JsValue::from_str(key)).ok()?).await.ok()?.as_string()
}

/// Every record of the shelf, in key order.
pub async fn read_all(shelf: Shelf) -> Vec<String> {
    strings(shelf, IdbObjectStore::get_all).await
}

/// The keys of every record of the shelf, in order.
pub async fn keys(shelf: Shelf) -> Vec<String> {
    strings(shelf, IdbObjectStore::get_all_keys).await
}

async fn strings(shelf: Shelf, request: fn(&IdbObjectStore) -> Result<IdbRequest, JsValue>) -> Vec<String> {
    async fn all(shelf: Shelf, request: fn(&IdbObjectStore) -> Result<IdbRequest, JsValue>) -> Option<Vec<String>> {
        let (_, store) = shelf_for(shelf, IdbTransactionMode::Readonly).await?;
        let found: js_sys::Array = settled(&request(&store).ok()?).await.ok()?.dyn_into().ok()?;
        Some(found.iter().filter_map(|value| value.as_string()).collect())
    }
    all(shelf, request).await.unwrap_or_default()
}

/// Keeps `record` under `key`, replacing what was there; `true` once it is
/// written to disk.
pub async fn write(shelf: Shelf, key: &str, record: &str) -> bool {
    change(shelf, |store| store.put_with_key(&JsValue::from_str(record), &JsValue::from_str(key))).await
}

/// Removes the record under `key`; `true` once it is gone.
pub async fn remove(shelf: Shelf, key: &str) -> bool {
    change(shelf, |store| store.delete(&JsValue::from_str(key))).await
}

/// Removes every record of the shelf; `true` once they are gone.
pub async fn clear(shelf: Shelf) -> bool {
    change(shelf, IdbObjectStore::clear).await
}

/// Makes one change in a transaction of its own, and waits for the disk.
async fn change(shelf: Shelf, change: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>) -> bool {
    let Some((transaction, store)) = shelf_for(shelf, IdbTransactionMode::Readwrite).await else { return false };
    change(&store).is_ok() && committed(&transaction).await
}
