//! Data loaded from the server into a signal: loaded when first shown,
//! reloaded when a signal the fetch reads changes or on `reload`. While it
//! reloads, the previous value stays on screen.
//!
//! A few lines instead of Leptos's `LocalResource`, whose async machinery
//! (repeated for every type loaded) is larger; the app needs none of its
//! Suspense integration.

use std::future::Future;

use leptos::prelude::*;

use crate::api::AppError;

pub struct Load<T: 'static> {
    state: RwSignal<Option<Result<T, AppError>>>,
    reloads: RwSignal<u32>,
}

impl<T: 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Load<T> {}

impl<T: Clone + Send + Sync + 'static> Load<T> {
    pub fn new<F>(fetch: impl Fn() -> F + 'static) -> Self
    where
        F: Future<Output = Result<T, AppError>> + 'static,
    {
        let state = RwSignal::new(None);
        let reloads = RwSignal::new(0u32);
        // Only the answer to the latest request is kept.
        let latest = StoredValue::new(0u64);
        Effect::new(move || {
            reloads.track();
            let request = fetch();
            let number = latest.get_value() + 1;
            latest.set_value(number);
            leptos::task::spawn_local(async move {
                let answer = request.await;
                if latest.try_get_value() == Some(number) {
                    state.try_set(Some(answer));
                }
            });
        });
        Load { state, reloads }
    }

    /// `None` until the first answer (reactive).
    pub fn get(&self) -> Option<Result<T, AppError>> {
        self.state.get()
    }

    pub fn reload(&self) {
        self.reloads.update(|n| *n += 1);
    }
}
