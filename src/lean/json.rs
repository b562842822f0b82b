//! JSON text to the app's types and back.
//!
//! In the browser, the browser's own `JSON.parse` and `JSON.stringify` read
//! and write the text, and serde-wasm-bindgen moves the values between
//! JavaScript and the app's types. serde_json's parser and printer, made
//! anew for every type the app reads, were the largest crate of the
//! citizen's download after Leptos itself (62 KB of the wasm). Native unit
//! tests have no browser: serde_json stands in there, with the same result.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// `text` read as a `T`; `None` if it is not JSON or not a `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).ok()?).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::from_str(text).ok()
    }
}

/// `value` as JSON text. The app's types always have one: a value that
/// could not be written would come out as `null`.
pub fn write<T: Serialize + ?Sized>(value: &T) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        // Maps as objects and `None` as `null`, as serde_json writes them.
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        value
            .serialize(&serializer)
            .ok()
            .and_then(|value| js_sys::JSON::stringify(&value).ok())
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| "null".to_owned())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
    }
}

/// A map read an entry at a time by `visitor` (a language's texts) from
/// JSON text; `None` if it is not that map.
pub fn parse_map<T, V>(text: &str, visitor: V) -> Option<T>
where
    V: for<'de> serde::de::Visitor<'de, Value = T>,
{
    use serde::Deserializer as _;
    #[cfg(target_arch = "wasm32")]
    {
        serde_wasm_bindgen::Deserializer::from(js_sys::JSON::parse(text).ok()?).deserialize_map(visitor).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::Deserializer::from_str(text).deserialize_map(visitor).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_go_to_text_and_back() {
        let value = vec![Some("a \"quoted\" text".to_owned()), None];
        let text = write(&value);
        assert_eq!(text, r#"["a \"quoted\" text",null]"#);
        assert_eq!(parse::<Vec<Option<String>>>(&text), Some(value));
        assert_eq!(parse::<Vec<String>>("not json"), None);
    }
}
