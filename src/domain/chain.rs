//! The follow-up log's hash chain. Each entry stores SHA-256 over the previous entry's hash and
//! its own stored content, in one chain over the whole log (in id order): rewriting an entry
//! breaks its own link, deleting one breaks the next entry's link, and moving an entry to
//! another ticket or time breaks its link too. One global chain rather than one per ticket, so
//! that deleting a ticket's whole log, or its last entry, is noticed as well (the store keeps
//! the head of the chain beside it).

use sha2::{Digest, Sha256};

/// A link's hash.
pub type Hash = [u8; 32];

/// The "previous hash" of the first entry.
pub const GENESIS: Hash = [0; 32];

/// An entry as stored: the exact texts the database holds.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    pub id: i64,
    pub ticket_id: i64,
    pub at: &'a str,
    pub author: &'a str,
    pub kind: &'a str,
    pub data: &'a str,
    pub body: &'a str,
}

/// The hash of `link` following `previous`. Each text is length-prefixed, so no two different
/// entries encode alike (moving bytes from one field to the next changes the hash).
pub fn hash(previous: &[u8], link: &Link) -> Hash {
    let mut h = Sha256::new();
    h.update(b"promptly-log-v1");
    h.update(previous);
    h.update(link.id.to_le_bytes());
    h.update(link.ticket_id.to_le_bytes());
    for text in [link.at, link.author, link.kind, link.data, link.body] {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.finalize().into()
}

/// Lower-case hex, for reports.
pub fn hex(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(body: &str) -> Link<'_> {
        Link {
            id: 1,
            ticket_id: 1,
            at: "2026-11-23T02:00:00Z",
            author: "li",
            kind: "note",
            data: "{}",
            body,
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_count() {
        let base = hash(&GENESIS, &link("called"));
        assert_eq!(base, hash(&GENESIS, &link("called")), "deterministic");
        assert_ne!(base, hash(&GENESIS, &link("called!")));
        assert_ne!(base, hash(&[1; 32], &link("called")));
        assert_ne!(
            base,
            hash(
                &GENESIS,
                &Link {
                    id: 2,
                    ..link("called")
                }
            )
        );
        assert_ne!(
            base,
            hash(
                &GENESIS,
                &Link {
                    ticket_id: 2,
                    ..link("called")
                }
            )
        );
        // Bytes moved between fields still change the hash (length prefixes).
        let a = Link {
            author: "lic",
            body: "alled",
            ..link("")
        };
        let b = Link {
            author: "li",
            body: "called",
            ..link("")
        };
        assert_ne!(hash(&GENESIS, &a), hash(&GENESIS, &b));
        assert_eq!(hex(&[0xab, 0x01]), "ab01");
    }
}
