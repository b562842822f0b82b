//! Data loaded from the server into a signal: loaded when first shown,
//! reloaded when a signal the fetch reads changes or on `reload`. While it
//! reloads, the previous value stays on screen. [`Load::kept_on_phone`] also
//! keeps the answer on the phone and shows that copy when the server cannot
//! answer.
//!
//! A few lines instead of Leptos's `LocalResource`, whose async machinery
//! (repeated for every type loaded) is larger; the app needs none of its
//! Suspense integration.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::api::{self, AppError, Fetched};
use crate::browser;
use crate::json;
use crate::kept::{self, Next};
use crate::storage::{self, Shelf};

pub struct Load<T: 'static> {
    state: RwSignal<Option<Result<T, AppError>>>,
    kept_since: RwSignal<Option<u64>>,
    reloads: RwSignal<u32>,
}

impl<T: 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Load<T> {}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    fn empty() -> Self {
        Load { state: RwSignal::new(None), kept_since: RwSignal::new(None), reloads: RwSignal::new(0) }
    }

    pub fn new<F>(fetch: impl Fn() -> F + 'static) -> Self
    where
        F: Future<Output = Result<T, AppError>> + 'static,
    {
        let load = Load::empty();
        let latest = Latest::new();
        Effect::new(move || {
            load.reloads.track();
            let request = fetch();
            let number = latest.next();
            leptos::task::spawn_local(async move {
                let answer = request.await;
                if latest.is(number) {
                    load.state.try_set(Some(answer));
                }
            });
        });
        load
    }

    /// `None` until the first answer (reactive).
    pub fn get(&self) -> Option<Result<T, AppError>> {
        self.state.get()
    }

    /// When the value shown was received (milliseconds since 1970), if it is
    /// the copy kept on the phone rather than the server's answer of this
    /// visit (reactive).
    pub fn kept_since(&self) -> Option<u64> {
        self.kept_since.get()
    }

    pub fn reload(&self) {
        self.reloads.update(|n| *n += 1);
    }
}

impl<T: Clone + DeserializeOwned + Send + Sync + 'static> Load<T> {
    /// Loads the JSON answer of `fetch` and keeps it on the phone (on `shelf`
    /// under `key`). The kept copy, if any, is shown at once while the server
    /// is asked (with the copy's `ETag`, so an unchanged answer is not sent
    /// again), and stays, with its date, if the server cannot answer.
    ///
    /// Only reading the JSON as `T` and showing it is made per type; the
    /// rest is [`follow_kept`], once for every type (a copy per type cost
    /// 2 KB of wasm each).
    pub fn kept_on_phone<F>(shelf: Shelf, key: String, fetch: impl Fn(Option<String>) -> F + 'static) -> Self
    where
        F: Future<Output = Result<Fetched, AppError>> + 'static,
    {
        let load = Load::empty();
        let latest = Latest::new();
        let fetch: Fetch = Rc::new(move |etag| Box::pin(fetch(etag)));
        let show: Show = Rc::new(move |shown| match shown {
            Shown::Kept { body, saved_at_ms } => {
                let Some(value) = json::parse::<T>(body) else { return false };
                if load.state.with_untracked(Option::is_none) {
                    load.state.try_set(Some(Ok(value)));
                    load.kept_since.try_set(Some(saved_at_ms));
                }
                true
            }
            Shown::Fresh(body) => match json::parse::<T>(body) {
                Some(value) => {
                    load.state.try_set(Some(Ok(value)));
                    load.kept_since.try_set(None);
                    true
                }
                None => {
                    load.fail(AppError::Server);
                    false
                }
            },
            Shown::Unchanged => {
                load.kept_since.try_set(None);
                true
            }
            Shown::Failed(error) => {
                load.fail(error);
                true
            }
        });
        Effect::new(move || {
            load.reloads.track();
            let number = latest.next();
            leptos::task::spawn_local(follow_kept(shelf, key.clone(), fetch.clone(), show.clone(), latest, number));
        });
        load
    }

    fn fail(self, error: AppError) {
        self.state.try_set(Some(Err(error)));
        self.kept_since.try_set(None);
    }
}

/// How [`Load::kept_on_phone`] asks the server, with the kept copy's `ETag`.
type Fetch = Rc<dyn Fn(Option<String>) -> Pin<Box<dyn Future<Output = Result<Fetched, AppError>>>>>;

/// How [`Load::kept_on_phone`] shows what the phone or the server gave;
/// `false` when the JSON is not of the type shown.
type Show = Rc<dyn Fn(Shown<'_>) -> bool>;

/// What the phone or the server gave, in the order it comes.
enum Shown<'a> {
    /// The copy kept on the phone, received at this time: shown while the
    /// server is asked, unless something is shown already.
    Kept {
        body: &'a str,
        saved_at_ms: u64,
    },
    /// The server's answer, new.
    Fresh(&'a str),
    /// The server's answer is the copy shown. What is on screen stays as it
    /// is: an answer the citizen began to fill in from the kept copy is not
    /// drawn again.
    Unchanged,
    Failed(AppError),
}

/// The steps of [`Load::kept_on_phone`] for request `number`: the kept copy,
/// then the server's answer, kept on the phone in its turn. A newer request
/// stops this one.
async fn follow_kept(shelf: Shelf, key: String, fetch: Fetch, show: Show, latest: Latest, number: u64) {
    let record = storage::read(shelf, &key).await;
    if !latest.is(number) {
        return;
    }
    let kept = record
        .as_deref()
        .and_then(kept::read)
        .filter(|kept| show(Shown::Kept { body: kept.body, saved_at_ms: kept.saved_at_ms }));
    let answer = fetch(kept.and_then(|kept| kept.etag).map(str::to_owned)).await;
    if !latest.is(number) {
        return;
    }
    let (body, etag) = match kept::after_answer(kept, answer) {
        Next::Fresh { body, etag } => {
            if !show(Shown::Fresh(&body)) {
                return;
            }
            (body, etag)
        }
        Next::Unchanged { body, etag } => {
            show(Shown::Unchanged);
            (body, etag)
        }
        Next::KeepShowing => return,
        Next::Fail(error) => {
            show(Shown::Failed(error));
            if error == AppError::NotFound {
                storage::remove(shelf, &key).await;
            }
            return;
        }
    };
    storage::write(shelf, &key, &kept::record(browser::now_ms(), etag.as_deref(), &body)).await;
}

/// One page of a list the server sends a page at a time.
pub trait Page {
    /// Where the page after this one starts; `None` on the last page.
    fn next(&self) -> Option<String>;
}

impl Page for baraza_core::api::CommentsPage {
    fn next(&self) -> Option<String> {
        self.next.clone()
    }
}

impl Page for baraza_core::analysis::ModerationPage {
    fn next(&self) -> Option<String> {
        self.next.clone()
    }
}

/// A list read a page at a time: the first page is a [`Load`] (reloaded as
/// one), the pages after it are added on "more" and dropped whenever the
/// first page reloads.
pub struct Pages<P: 'static> {
    pub first: Load<P>,
    more: RwSignal<Vec<P>>,
    /// Why the last "more" failed, until the next one succeeds.
    pub more_error: RwSignal<Option<AppError>>,
    pub loading_more: RwSignal<bool>,
}

impl<P: 'static> Clone for Pages<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: 'static> Copy for Pages<P> {}

impl<P: Page + Clone + Send + Sync + 'static> Pages<P> {
    /// `first` fetches the first page (and is tracked like [`Load::new`]'s
    /// fetch); `after` fetches the page starting at a cursor. Answers the
    /// pages and the action that loads the next one.
    pub fn new<F, G>(
        first: impl Fn() -> F + 'static,
        after: impl Fn(String) -> G + Clone + 'static,
    ) -> (Self, impl Fn() + Clone + 'static)
    where
        F: Future<Output = Result<P, AppError>> + 'static,
        G: Future<Output = Result<P, AppError>> + 'static,
    {
        let pages = Pages {
            first: Load::new(first),
            more: RwSignal::new(Vec::new()),
            more_error: RwSignal::new(None),
            loading_more: RwSignal::new(false),
        };
        Effect::new(move || {
            pages.first.get();
            pages.more.set(Vec::new());
            pages.more_error.set(None);
        });
        let load_more = move || {
            let Some(cursor) = pages.next_cursor() else { return };
            let request = after(cursor);
            pages.loading_more.set(true);
            leptos::task::spawn_local(async move {
                match request.await {
                    Ok(page) => {
                        pages.more.update(|more| more.push(page));
                        pages.more_error.set(None);
                    }
                    Err(error) => pages.more_error.set(Some(error)),
                }
                pages.loading_more.set(false);
            });
        };
        (pages, load_more)
    }

    /// Where the next page starts, if there is one (reactive).
    pub fn next_cursor(&self) -> Option<String> {
        self.more
            .with(|more| more.last().map(Page::next))
            .unwrap_or_else(|| self.first.get().and_then(Result::ok).and_then(|page| page.next()))
    }

    /// Reads the pages loaded after the first (reactive).
    pub fn with_more<R>(&self, read: impl FnOnce(&[P]) -> R) -> R {
        self.more.with(|more| read(more))
    }
}

/// Which request is the latest: only its answer is kept.
#[derive(Clone, Copy)]
struct Latest(StoredValue<u64>);

impl Latest {
    fn new() -> Self {
        Latest(StoredValue::new(0))
    }

    fn next(self) -> u64 {
        let number = self.0.get_value() + 1;
        self.0.set_value(number);
        number
    }

    fn is(self, number: u64) -> bool {
        self.0.try_get_value() == Some(number)
    }
}

/// Brings every consultation kept on the phone up to date, asking with each
/// copy's `ETag`: one that has not changed costs a `304` and no download.
/// Stops at the first that cannot be asked (no connection).
pub fn refresh_kept_consultations() {
    leptos::task::spawn_local(async {
        for id in storage::keys(Shelf::Consultations).await {
            let Some(record) = storage::read(Shelf::Consultations, &id).await else { continue };
            let kept = kept::read(&record);
            let answer = api::consultation_since(&id, kept.and_then(|kept| kept.etag).map(str::to_owned)).await;
            match kept::after_answer(kept, answer) {
                Next::Fresh { body, etag } | Next::Unchanged { body, etag } => {
                    let record = kept::record(browser::now_ms(), etag.as_deref(), &body);
                    storage::write(Shelf::Consultations, &id, &record).await;
                }
                Next::Fail(AppError::NotFound) => {
                    storage::remove(Shelf::Consultations, &id).await;
                }
                Next::KeepShowing | Next::Fail(_) => return,
            }
        }
    });
}
