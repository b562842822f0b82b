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

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::api::AppError;
use crate::kept::{self, Shown};
use crate::storage::{self, Shelf};

pub struct Load<T: 'static> {
    state: RwSignal<Option<Result<T, AppError>>>,
    kept_since: RwSignal<Option<OffsetDateTime>>,
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

    /// When the value shown was received, if it is the copy kept on the
    /// phone rather than the server's answer of this visit (reactive).
    pub fn kept_since(&self) -> Option<OffsetDateTime> {
        self.kept_since.get()
    }

    pub fn reload(&self) {
        self.reloads.update(|n| *n += 1);
    }
}

impl<T: Clone + PartialEq + DeserializeOwned + Send + Sync + 'static> Load<T> {
    /// Loads the JSON answer of `fetch` and keeps it on the phone (on `shelf`
    /// under `key`). The kept copy, if any, is shown at once while the server
    /// is asked, and stays, with its date, if the server cannot answer.
    pub fn kept_on_phone<F>(shelf: Shelf, key: String, fetch: impl Fn() -> F + 'static) -> Self
    where
        F: Future<Output = Result<String, AppError>> + 'static,
    {
        let load = Load::empty();
        let latest = Latest::new();
        Effect::new(move || {
            load.reloads.track();
            let request = fetch();
            let number = latest.next();
            let key = key.clone();
            leptos::task::spawn_local(async move {
                let kept = storage::read(shelf, &key).await.and_then(|record| kept::read::<T>(&record));
                if let Some(kept) =
                    kept.as_ref().filter(|_| latest.is(number) && load.state.with_untracked(Option::is_none))
                {
                    load.show(Ok(Shown { value: kept.value().clone(), kept_since: Some(kept.saved_at()) }));
                }
                let answer = match request.await {
                    Ok(body) => match serde_json::from_str::<T>(&body) {
                        Ok(value) => {
                            storage::write(shelf, &key, &kept::record(crate::browser::now(), &body)).await;
                            Ok(value)
                        }
                        Err(_) => Err(AppError::Server),
                    },
                    Err(error) => Err(error),
                };
                if latest.is(number) {
                    load.show(kept::after_answer(kept, answer));
                }
            });
        });
        load
    }

    fn show(self, shown: Result<Shown<T>, AppError>) {
        match shown {
            Ok(Shown { value, kept_since }) => {
                // The same content again is not drawn again, so an answer the
                // citizen began to fill in from the kept copy stays.
                if !self.state.with_untracked(|state| matches!(state, Some(Ok(shown)) if *shown == value)) {
                    self.state.try_set(Some(Ok(value)));
                }
                self.kept_since.try_set(kept_since);
            }
            Err(error) => {
                self.state.try_set(Some(Err(error)));
                self.kept_since.try_set(None);
            }
        }
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
