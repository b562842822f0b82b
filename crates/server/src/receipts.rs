//! Receipts: what a citizen gets back for each counted action, so they can
//! later show that their input is among what was counted.
//!
//! A receipt is the first 64 bits, as 16 lowercase hex digits, of
//! HMAC-SHA256 under the server's secret of `<action id>\n<action JSON as
//! stored>`. Only the server can make one; staff recompute it from the stored
//! action to check a receipt a citizen shows them.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The server's key: receipts, pseudonyms and code hashes are made with it.
/// It is made once per database and kept there, or given to every server at
/// start from a file of its own (see [`crate::key_file`] and
/// [`crate::storage::key`]). Its bytes are its text: 64 lowercase hex
/// digits, as keys have always been written.
#[derive(Clone)]
pub struct ReceiptKey(Vec<u8>);

/// How many characters a key's text has.
pub const KEY_LENGTH: usize = 64;

impl ReceiptKey {
    /// A new key: two v4 UUIDs are 244 bits from the operating system's
    /// secure random source (uuid uses getrandom), without another dependency.
    pub fn fresh() -> Self {
        ReceiptKey(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()).into_bytes())
    }

    /// A key from its text, if it is one: [`KEY_LENGTH`] lowercase hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        let is_key = text.len() == KEY_LENGTH && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        is_key.then(|| ReceiptKey(text.as_bytes().to_vec()))
    }

    /// The key as it is written, in the database or in a key file.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a key's text is hex digits")
    }

    /// What the database keeps to tell whether a key given at start is its
    /// own, without holding the key: a keyed hash of a fixed label, from
    /// which the key cannot be found.
    pub fn check_value(&self) -> String {
        self.sign("key check", "")
    }

    /// The receipt of the action `id` stored as `payload`, as citizens read it.
    pub fn sign(&self, id: &str, payload: &str) -> String {
        hex(&self.receipt(id, payload))
    }

    /// The receipt of the action `id` stored as `payload`, as its 8 bytes are stored.
    pub fn receipt(&self, id: &str, payload: &str) -> [u8; 8] {
        self.mac(id, payload)
    }

    /// The first 64 bits of HMAC-SHA256 of `<label>\n<data>`.
    fn mac(&self, label: &str, data: &str) -> [u8; 8] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(label.as_bytes());
        mac.update(b"\n");
        mac.update(data.as_bytes());
        let mut first = [0; 8];
        first.copy_from_slice(&mac.finalize().into_bytes()[..8]);
        first
    }
}

impl ReceiptKey {
    /// A participant's pseudonym in the open data of one consultation: their
    /// ballots there can be told apart and linked to each other, but neither
    /// to their device's id nor to their ballots in any other consultation.
    /// The `pseudonym` label keeps these apart from receipts, whose first
    /// part is always a UUID.
    pub fn pseudonym(&self, consultation: &str, participant: &str) -> String {
        self.sign(&format!("pseudonym\n{consultation}"), participant)
    }

    /// What a participation code of one consultation is stored as. Codes
    /// carry 59 bits, so only the holder of this key could test guesses
    /// against a copy of the database.
    pub fn code_hash(&self, consultation: &str, code: &str) -> String {
        self.sign(&format!("code\n{consultation}"), code)
    }

    /// Whom the ballots cast with a participation code are stored under. It
    /// is made from the code itself, which the database never holds, under
    /// its own label: nothing stored with a ballot leads to the code's row
    /// (its hash, its device), so ballot content stays apart from who holds
    /// which code.
    pub fn code_voter(&self, consultation: &str, code: &str) -> [u8; 8] {
        self.mac(&format!("voter\n{consultation}"), code)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes that lowercase or uppercase hex digits write; `None` if they
/// are not hex digits in pairs.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_depends_on_the_key_the_id_and_the_content() {
        let key = ReceiptKey(b"key".to_vec());
        let base = key.sign("id", "{}");
        assert_eq!(base.len(), 16);
        assert!(base.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(base, key.sign("id", "{}"));
        assert_ne!(base, ReceiptKey(b"other".to_vec()).sign("id", "{}"));
        assert_ne!(base, key.sign("id2", "{}"));
        assert_ne!(base, key.sign("id", "{ }"));
    }

    #[test]
    fn a_key_reads_back_from_its_text_and_only_from_a_keys_text() {
        let key = ReceiptKey::fresh();
        assert_eq!(key.text().len(), KEY_LENGTH);
        let read = ReceiptKey::parse(key.text()).unwrap();
        assert_eq!(read.check_value(), key.check_value());
        assert_ne!(ReceiptKey::fresh().check_value(), key.check_value());
        assert!(ReceiptKey::parse(&key.text()[1..]).is_none());
        assert!(ReceiptKey::parse(&key.text().to_uppercase()).is_none());
        assert!(ReceiptKey::parse(&format!("{}0", key.text())).is_none());
        assert!(ReceiptKey::parse(&"g".repeat(KEY_LENGTH)).is_none());
    }

    #[test]
    fn a_pseudonym_is_stable_within_one_consultation_only() {
        let key = ReceiptKey(b"key".to_vec());
        let pseudonym = key.pseudonym("water", "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11");
        assert_eq!(pseudonym.len(), 16);
        assert_eq!(pseudonym, key.pseudonym("water", "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11"));
        assert_ne!(pseudonym, key.pseudonym("road", "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11"));
        assert_ne!(pseudonym, key.pseudonym("water", "7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22"));
        assert_ne!(pseudonym, ReceiptKey(b"other".to_vec()).pseudonym("water", "5f0c6a2e-8d0b-4c43-9d7e-2b1f4b0a9e11"));
    }
}
