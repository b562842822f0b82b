//! The interface languages and their texts, generated at compile time from
//! `locales/{en,ar,fr}.json` (listed in `[package.metadata.leptos-i18n]` of
//! Cargo.toml): a key missing from the code, or used by the code but missing
//! from a file, fails the build.
//!
//! leptos_i18n 0.6 prefers a build script with `leptos_i18n_build`, but that
//! crate pulls about 150 build-time crates (an HTTP client, TLS, CLDR tooling)
//! to generate the very same code as this macro; the macro keeps the build
//! small and lives entirely in this package.
#![allow(deprecated)]
#![allow(missing_docs, clippy::all)]

leptos_i18n::load_locales!();

pub use i18n::*;

// The macro reads the locale files itself; naming them here makes cargo
// rebuild when one of them changes.
const _: &[&[u8]] =
    &[include_bytes!("../locales/en.json"), include_bytes!("../locales/ar.json"), include_bytes!("../locales/fr.json")];
