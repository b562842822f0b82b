//! The few browser APIs the app calls directly, each behind one small
//! function, so the rest of the app reads as plain Rust. None of these is
//! called by the native unit tests.

use leptos::prelude::{document, window};
use time::OffsetDateTime;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlAnchorElement, MouseEvent};

/// A value kept in `localStorage`; `None` when absent or storage is blocked.
pub fn stored(key: &str) -> Option<String> {
    window().local_storage().ok().flatten()?.get_item(key).ok().flatten()
}

/// Keeps a value in `localStorage`. Private browsing may refuse: the app then
/// simply forgets the value at the next visit.
pub fn store(key: &str, value: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(key, value);
    }
}

/// A value kept in `sessionStorage`: gone when the tab or browser closes.
pub fn session_stored(key: &str) -> Option<String> {
    window().session_storage().ok().flatten()?.get_item(key).ok().flatten()
}

/// Keeps (`Some`) or removes (`None`) a value in `sessionStorage`.
pub fn session_store(key: &str, value: Option<&str>) {
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// The text of the first file chosen in the `<input type="file">` that
/// fired `ev`; `None` if there is none or it cannot be read as text.
pub async fn chosen_file_text(input: &web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    wasm_bindgen_futures::JsFuture::from(file.text()).await.ok()?.as_string()
}

/// Offers `content` to the person as a downloaded file named `name`.
pub fn save_file(name: &str, mime: &str, content: &str) -> Result<(), JsValue> {
    save_bytes(name, mime, content.as_bytes())
}

/// Offers `bytes` to the person as a downloaded file named `name`.
pub fn save_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download starts after this task; the address is freed once it surely has.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}

/// The browser's preferred languages, most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let navigator = window().navigator();
    let languages: Vec<String> = navigator.languages().iter().filter_map(|l| l.as_string()).collect();
    if languages.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        languages
    }
}

/// 16 random bytes from `crypto.getRandomValues`.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled =
        window().crypto().ok().is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Every browser the app runs in has crypto; this only keeps ids unique.
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// Now, by the device's clock, in milliseconds since 1970.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Now, by the device's clock.
pub fn now() -> OffsetDateTime {
    let ms = js_sys::Date::now() as i64;
    // Whole seconds and milliseconds rather than nanoseconds: 128-bit
    // division is 1 KB of wasm, and nothing here needs it.
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1_000))
        .map(|at| at + time::Duration::milliseconds(ms.rem_euclid(1_000)))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `at` in milliseconds since 1970, as JavaScript's `Date` counts.
fn millis(at: OffsetDateTime) -> i64 {
    at.unix_timestamp() * 1_000 + i64::from(at.millisecond())
}

thread_local! {
    static PREFERRED: Vec<String> = preferred_languages();
}

/// `window.baraza`, which the page's loader (`public/texts.js`) sets.
fn loader() -> Option<JsValue> {
    js_sys::Reflect::get(&window(), &JsValue::from_str("baraza")).ok().filter(JsValue::is_object)
}

/// The interface language the page's loader picked.
pub fn loader_language() -> Option<String> {
    js_sys::Reflect::get(&loader()?, &JsValue::from_str("language")).ok()?.as_string()
}

/// The texts file of the interface language `tag`, through the page's
/// loader: the same fetch it started for the first language, or a new one
/// (answered from the phone for a language used before). `None` when it
/// cannot be had.
pub async fn loader_texts(tag: &str) -> Option<String> {
    let texts: js_sys::Function =
        js_sys::Reflect::get(&loader()?, &JsValue::from_str("texts")).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = texts.call1(&JsValue::NULL, &JsValue::from_str(tag)).ok()?.dyn_into().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_string()
}

/// The name of the language `tag` as written in the language `in_language`
/// (`Intl.DisplayNames`): "Kiswahili" for `sw` in `sw`, "Swahili" in `en`.
#[cfg(target_arch = "wasm32")]
pub fn language_name(tag: &str, in_language: &str) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("type"), &JsValue::from_str("language"));
    let names = js_sys::Intl::DisplayNames::new(&js_sys::Array::of1(&JsValue::from_str(in_language)), &options);
    names.of(tag).map_or_else(|| tag.to_owned(), String::from)
}

/// Native unit tests have no browser: the tag stands in for the name.
#[cfg(not(target_arch = "wasm32"))]
pub fn language_name(tag: &str, _in_language: &str) -> String {
    tag.to_owned()
}

/// The plural category (`one`, `few`, `other`, …) of `count` in the
/// language `tag`, by the browser's `Intl.PluralRules`.
#[cfg(target_arch = "wasm32")]
pub fn plural_category(tag: &str, count: u64) -> String {
    let rules = js_sys::Intl::PluralRules::new(&js_sys::Array::of1(&JsValue::from_str(tag)), &js_sys::Object::new());
    rules.select(count as f64).into()
}

/// Native unit tests have no browser: English's rule stands in.
#[cfg(not(target_arch = "wasm32"))]
pub fn plural_category(_tag: &str, count: u64) -> String {
    if count == 1 { "one" } else { "other" }.to_owned()
}

/// The browser's regional variant of the interface language `ui`, for dates
/// and numbers.
fn formatting_locale(ui: &str) -> String {
    PREFERRED.with(|preferred| crate::language::formatting_locale(ui, preferred).to_owned())
}

/// "31 January 2027" in the interface language `ui`, in the device's time zone.
pub fn format_date(at: OffsetDateTime, ui: &str) -> String {
    let locale = formatting_locale(ui);
    let date = js_sys::Date::new(&JsValue::from_f64(millis(at) as f64));
    let options = js_sys::Object::new();
    for (key, value) in [("day", "numeric"), ("month", "long"), ("year", "numeric")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_date_string(&locale, &options).into()
}

/// [`format_date_time`] of a moment such as a closing time.
pub fn format_moment(at: OffsetDateTime, ui: &str) -> String {
    format_date_time(millis(at).max(0) as u64, ui)
}

/// "23 November 2026, 14:05" in the interface language `ui`, in the device's
/// time zone, for a time in milliseconds since 1970.
pub fn format_date_time(at_ms: u64, ui: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at_ms as f64));
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "long"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string(&formatting_locale(ui), &options).into()
}

/// A whole number as the interface language `ui` groups digits: "5,000,000".
pub fn format_number(value: u64, ui: &str) -> String {
    format_decimal(value as f64, ui)
}

/// A number as the interface language `ui` writes it: "3.27", "3,27".
pub fn format_decimal(value: f64, ui: &str) -> String {
    js_sys::Number::from(value).to_locale_string(&formatting_locale(ui)).into()
}

/// An RFC 3339 time as a `datetime-local` field shows it, in the device's
/// time zone (`2027-01-31T23:59:59`); empty for a text that is no time.
pub fn local_date_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    if rfc3339.is_empty() || date.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

/// A `datetime-local` field's value, a time in the device's time zone, as
/// RFC 3339 in UTC to the second (`2027-01-31T20:59:59Z`).
pub fn utc_from_local(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_str(local));
    if local.is_empty() || date.get_time().is_nan() {
        return None;
    }
    let iso = String::from(date.to_iso_string());
    Some(format!("{}Z", iso.split('.').next().unwrap_or(&iso)))
}

/// The device's time zone as people read it: its name and its offset from
/// UTC now, `Africa/Nairobi (UTC+03:00)`.
pub fn time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    let name = js_sys::Reflect::get(&options, &"timeZone".into()).ok().and_then(|name| name.as_string());
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let sign = if minutes < 0 { '-' } else { '+' };
    let offset = format!("UTC{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60);
    match name {
        Some(name) => format!("{name} ({offset})"),
        None => offset,
    }
}

/// Sets `<html lang dir>`, which screen readers, fonts and the layout follow,
/// and points the web app manifest, where the page has one, at the same
/// language: an app installed then is named in it (scripts/manifests.mjs
/// writes one manifest per language).
pub fn set_document_language(lang: &str, dir: &str) {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", lang);
        let _ = html.set_attribute("dir", dir);
    }
    if let Ok(Some(manifest)) = document().query_selector("link[rel=manifest]") {
        let _ = manifest.set_attribute("href", &format!("/manifest.{lang}.webmanifest"));
    }
}

pub fn set_title(title: &str) {
    document().set_title(title);
}

/// Moves keyboard and screen reader focus to the element with this id.
pub fn focus(id: &str) {
    if let Some(element) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// The path of the page's address, with its query and fragment.
pub fn path() -> String {
    let location = window().location();
    let part = |part: Result<String, JsValue>| part.unwrap_or_default();
    part(location.pathname()) + &part(location.search()) + &part(location.hash())
}

/// Where a click goes when it is a plain click on a link to another page of
/// the app; `None` for everything the browser should handle itself (other
/// sites, new tabs, downloads, links within the page).
pub fn link_inside_app(ev: &MouseEvent) -> Option<String> {
    if ev.default_prevented() || ev.button() != 0 || ev.meta_key() || ev.ctrl_key() || ev.shift_key() || ev.alt_key() {
        return None;
    }
    let link: HtmlAnchorElement =
        ev.target()?.dyn_into::<web_sys::Element>().ok()?.closest("a[href]").ok()??.dyn_into().ok()?;
    let location = window().location();
    let same_origin = location.origin().ok()? == link.origin();
    let same_page = location.pathname().ok()? == link.pathname() && location.search().ok()? == link.search();
    if !same_origin
        || !link.target().is_empty()
        || link.has_attribute("download")
        || (same_page && !link.hash().is_empty())
    {
        return None;
    }
    Some(link.pathname() + &link.search() + &link.hash())
}

pub fn push_history(to: &str) {
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(to));
    }
}

/// After moving to another page: back to the top, and the focus on `<main>`
/// so a screen reader starts reading the new page.
pub fn after_navigation() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
    focus("main");
}

/// Runs `work` holding the Web Lock `name` (`navigator.locks`), so that of
/// all the app's tabs only one runs it at a time; where the browser has no
/// Web Locks, runs it at once.
pub async fn with_lock<T>(name: &str, work: impl std::future::Future<Output = T>) -> T {
    let navigator = window().navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok().filter(|l| l.is_object());
    let request = locks.as_ref().and_then(|locks| {
        js_sys::Reflect::get(locks, &JsValue::from_str("request")).ok()?.dyn_into::<js_sys::Function>().ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else { return work.await };
    // The lock is held until the promise its callback answers settles.
    let mut release = None;
    let held = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut grant = None;
    let granted = js_sys::Promise::new(&mut |resolve, _| grant = Some(resolve));
    let (Some(release), Some(grant)) = (release, grant) else { return work.await };
    let on_granted = wasm_bindgen::closure::Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let _ = grant.call0(&JsValue::NULL);
        held.into()
    });
    if request.call2(&locks, &JsValue::from_str(name), &on_granted).is_err()
        || wasm_bindgen_futures::JsFuture::from(granted).await.is_err()
    {
        return work.await;
    }
    let done = work.await;
    let _ = release.call0(&JsValue::NULL);
    done
}

/// Whether the browser believes it has a connection.
pub fn online() -> bool {
    window().navigator().on_line()
}

/// Removes a value from `localStorage`.
pub fn forget(key: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.remove_item(key);
    }
}

/// Puts `text` on the clipboard (`navigator.clipboard.writeText`); `false`
/// where the browser has no clipboard API or refuses.
pub async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    let Some(clipboard) =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok().filter(|c| c.is_object())
    else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .and_then(|write| write.dyn_into::<js_sys::Function>())
    else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(written) => wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(written)).await.is_ok(),
        Err(_) => false,
    }
}

/// Offers `url` to the phone's own share sheet (`navigator.share`): `None`
/// where the browser has none, else whether it was shared (`false` when the
/// citizen closed the sheet).
pub async fn share(title: &str, url: &str) -> Option<bool> {
    let navigator = window().navigator();
    let share = js_sys::Reflect::get(&navigator, &JsValue::from_str("share"))
        .ok()
        .and_then(|share| share.dyn_into::<js_sys::Function>().ok())?;
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &JsValue::from_str("title"), &JsValue::from_str(title));
    let _ = js_sys::Reflect::set(&data, &JsValue::from_str("url"), &JsValue::from_str(url));
    let shared = share.call1(&navigator, &data).ok()?;
    Some(wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(shared)).await.is_ok())
}

/// The address of this page, as the browser shows it.
pub fn page_url() -> String {
    window().location().href().unwrap_or_default()
}

/// Sets the text of the element with this id.
pub fn set_text(id: &str, text: &str) {
    if let Some(element) = document().get_element_by_id(id) {
        element.set_text_content(Some(text));
    }
}

/// Selects the text of the `<input>` with this id, for the citizen to copy.
pub fn select_text(id: &str) {
    if let Some(input) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        input.select();
    }
}

/// Opens `to` as a new page load, leaving nothing of this one in memory.
pub fn load_page(to: &str) {
    let _ = window().location().replace(to);
}

/// The browser's offer to install the app, kept by the page's loader
/// (`public/install.js`) when it came: `window.barazaInstall`.
fn install_offer() -> Option<JsValue> {
    js_sys::Reflect::get(&window(), &JsValue::from_str("barazaInstall")).ok().filter(JsValue::is_object)
}

/// Whether the browser offers to install the app (`beforeinstallprompt`).
pub fn install_offered() -> bool {
    install_offer().is_some()
}

/// Shows the browser's install dialog; the offer is then used up.
pub fn install() {
    let Some(offer) = install_offer() else { return };
    if let Ok(prompt) =
        js_sys::Reflect::get(&offer, &JsValue::from_str("prompt")).and_then(|p| p.dyn_into::<js_sys::Function>())
    {
        let _ = prompt.call0(&offer);
    }
    let _ = js_sys::Reflect::set(&window(), &JsValue::from_str("barazaInstall"), &JsValue::NULL);
}

/// What tells an iPhone or iPad from other devices: its browser's user
/// agent, how many touch points its screen has (an iPad says it is a Mac),
/// and whether the app already runs from the home screen
/// (`navigator.standalone`, Safari's own).
pub fn device_for_install() -> (String, i32, bool) {
    let navigator = window().navigator();
    let standalone = js_sys::Reflect::get(&navigator, &JsValue::from_str("standalone"))
        .ok()
        .and_then(|standalone| standalone.as_bool())
        .unwrap_or(false);
    (navigator.user_agent().unwrap_or_default(), navigator.max_touch_points(), standalone)
}

/// `text` in lower case by the browser's `toLowerCase` (Unicode's mapping,
/// as Rust's): the search folds case with it, so the app carries no case
/// tables of its own (`baraza_core::find`).
pub fn lower_case(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// Sets the value of the form field with this id (an `<input>`, or a
/// `<select>`, whose option with that value is then chosen).
pub fn set_value(id: &str, value: &str) {
    if let Some(field) = document().get_element_by_id(id) {
        let _ = js_sys::Reflect::set(&field, &JsValue::from_str("value"), &JsValue::from_str(value));
    }
}
