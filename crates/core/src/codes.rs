//! Participation codes for `codes` eligibility: one code, one voter.
//!
//! A code is read aloud over the phone, printed on paper and typed on a
//! small keyboard, so its alphabet has no look-alikes (no 0/O, no 1/I/L) and
//! it is written in groups: `K7QM-3XHD-P9WA`. Twelve symbols from 31 give
//! 59 bits, beyond guessing even with millions of attempts. Whatever the
//! citizen types, [`normalize`] turns it into that one written form, which is
//! what the server hashes and compares.

/// The symbols codes are made of.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const GROUPS: usize = 3;
const GROUP_LENGTH: usize = 4;
/// Symbols in a code, separators not counted.
pub const LENGTH: usize = GROUPS * GROUP_LENGTH;

/// Makes one code from a source of random bytes. Bytes that would make some
/// symbols likelier than others are skipped, so every code is equally likely.
pub fn generate(mut random_byte: impl FnMut() -> u8) -> String {
    // The largest multiple of 31 that fits in a byte: 248 = 8 × 31.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut symbols = Vec::with_capacity(LENGTH);
    while symbols.len() < LENGTH {
        let byte = random_byte();
        if byte < limit {
            symbols.push(ALPHABET[usize::from(byte) % ALPHABET.len()]);
        }
    }
    grouped(&symbols)
}

/// The written form of what a citizen typed: upper case, grouped, with any
/// spaces, dashes or dots they used dropped. `None` when it cannot be a code
/// (wrong length or a symbol codes never contain).
pub fn normalize(typed: &str) -> Option<String> {
    let symbols: Vec<u8> = typed
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '_')))
        .map(|c| c.to_ascii_uppercase())
        .map(|c| u8::try_from(c).ok().filter(|b| ALPHABET.contains(b)))
        .collect::<Option<_>>()?;
    (symbols.len() == LENGTH).then(|| grouped(&symbols))
}

fn grouped(symbols: &[u8]) -> String {
    symbols
        .chunks(GROUP_LENGTH)
        .map(|group| std::str::from_utf8(group).expect("the alphabet is ASCII"))
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counting_bytes() -> impl FnMut() -> u8 {
        let mut next = 0u8;
        move || {
            next = next.wrapping_add(37);
            next
        }
    }

    #[test]
    fn codes_are_three_groups_of_four_without_look_alikes() {
        let code = generate(counting_bytes());
        assert_eq!(code.len(), LENGTH + GROUPS - 1);
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(groups.len(), 3);
        assert!(groups.iter().all(|group| group.len() == 4));
        for look_alike in ['0', 'O', '1', 'I', 'L'] {
            assert!(!ALPHABET.contains(&(look_alike as u8)), "{look_alike} is in the alphabet");
        }
    }

    #[test]
    fn codes_carry_at_least_fifty_bits() {
        let bits = LENGTH as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits >= 50.0, "{bits} bits");
    }

    #[test]
    fn biased_bytes_are_skipped() {
        // 248..=255 would favour the first eight symbols; they are never used.
        let mut bytes = [250u8, 255, 248, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].into_iter();
        assert_eq!(generate(move || bytes.next().expect("enough bytes")), "2345-6789-ABCD");
    }

    #[test]
    fn typed_codes_are_normalized() {
        assert_eq!(normalize("k7qm 3xhd p9wa").as_deref(), Some("K7QM-3XHD-P9WA"));
        assert_eq!(normalize(" K7QM-3XHD-P9WA\n").as_deref(), Some("K7QM-3XHD-P9WA"));
        assert_eq!(normalize("k7qm.3xhd.p9wa").as_deref(), Some("K7QM-3XHD-P9WA"));
        let code = generate(counting_bytes());
        assert_eq!(normalize(&code), Some(code));
    }

    #[test]
    fn what_cannot_be_a_code_is_refused() {
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("K7QM-3XHD"), None, "too short");
        assert_eq!(normalize("K7QM-3XHD-P9WA-2"), None, "too long");
        assert_eq!(normalize("K7QM-3XHD-P9W0"), None, "zero is never in a code");
        assert_eq!(normalize("K7QM-3XHD-P9WÄ"), None, "not ASCII");
    }
}
