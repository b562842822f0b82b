//! What the app does with a few lines of its own where a crate exists, each
//! kept because the crate costs every citizen more of the download than the
//! job is worth. Each module says what it replaces and what was measured;
//! the README weighs them together. Nothing outside this folder is written
//! by hand to save bytes.
//!
//! | module | in place of | measured cost of the crate |
//! | --- | --- | --- |
//! | [`route`] | `leptos_router` | 40 KB of the compressed download |
//! | [`text`] | `leptos_i18n` | every language compiled in: about 25 KB brotli for seven, and texts fetched only once the wasm runs |
//! | [`json`] | `serde_json`'s parser and printer | 4.3 KB brotli of the citizen's wasm |
//! | [`storage`] | `idb` | 5.6 KB more compressed download |
//! | [`load`] | Leptos's `LocalResource` | its async machinery, repeated for every type loaded; not measured on its own |
//! | [`browser`] | calls of web-sys, one function each | no crate does these together; `gloo` crates cover parts |

#[macro_use]
pub mod text;

pub mod browser;
pub mod json;
pub mod load;
pub mod route;
pub mod storage;
