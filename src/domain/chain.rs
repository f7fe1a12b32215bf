//! The follow-up log's hash chain. Each entry stores a SHA-256 (its first 16 bytes since
//! migration 15) over the previous entry's stored hash and its own stored content, in one chain over the whole log (in id order): rewriting an entry
//! breaks its own link, deleting one breaks the next entry's link, and moving an entry to
//! another ticket or time breaks its link too. One global chain rather than one per ticket, so
//! that deleting a ticket's whole log, or its last entry, is noticed as well (the store keeps
//! the head of the chain beside it).

use sha2::{Digest, Sha256};

/// A link's hash as stored: the first 16 bytes of its SHA-256 (migration 15). 128 bits keep
/// a rewritten entry from being given a matching hash (a second preimage costs 2^128), at
/// half the bytes; entries written before keep the whole 32 bytes they were stored with.
pub type Hash = [u8; 16];

/// The "previous hash" of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// The stored hash an entry follows: [`GENESIS`] before the first entry, a whole SHA-256
/// (entries stored before migration 15) or a [`Hash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Previous {
    bytes: [u8; 32],
    len: u8,
}

impl Previous {
    pub const GENESIS: Previous = Previous {
        bytes: GENESIS,
        len: 32,
    };

    /// `None` for a stored value of another width (a row from before the chain).
    pub fn of(stored: &[u8]) -> Option<Previous> {
        if stored.len() != 16 && stored.len() != 32 {
            return None;
        }
        let mut bytes = [0; 32];
        bytes[..stored.len()].copy_from_slice(stored);
        Some(Previous {
            bytes,
            len: stored.len() as u8,
        })
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl From<Hash> for Previous {
    fn from(hash: Hash) -> Previous {
        let mut bytes = [0; 32];
        bytes[..16].copy_from_slice(&hash);
        Previous { bytes, len: 16 }
    }
}

/// An entry as stored: the exact texts the database holds (an instant as its RFC 3339 text).
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

/// The hash stored with `link` following `previous` (the stored hash before it, whatever its
/// width: it is length-prefixed, like each text, so no two different entries encode alike).
pub fn hash(previous: &[u8], link: &Link) -> Hash {
    let mut h = Sha256::new();
    h.update(b"promptly-log-v2");
    h.update((previous.len() as u64).to_le_bytes());
    h.update(previous);
    let whole: [u8; 32] = fields(h, link).finalize().into();
    let mut out = [0; 16];
    out.copy_from_slice(&whole[..16]);
    out
}

/// The hash entries were stored with before migration 15: the whole SHA-256, `previous` not
/// length-prefixed (it was always 32 bytes then).
pub fn hash_v1(previous: &[u8], link: &Link) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"promptly-log-v1");
    h.update(previous);
    fields(h, link).finalize().into()
}

fn fields(mut h: Sha256, link: &Link) -> Sha256 {
    h.update(link.id.to_le_bytes());
    h.update(link.ticket_id.to_le_bytes());
    for text in [link.at, link.author, link.kind, link.data, link.body] {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h
}

/// Whether `stored` is the hash of `link` following `previous`, in the form of its width.
pub fn proves(previous: &[u8], link: &Link, stored: &[u8]) -> bool {
    match stored.len() {
        16 => hash(previous, link)[..] == *stored,
        32 => hash_v1(previous, link)[..] == *stored,
        _ => false,
    }
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

    #[test]
    fn each_width_proves_only_its_own_form() {
        let l = link("called");
        let short = hash(&GENESIS, &l);
        let long = hash_v1(&GENESIS, &l);
        assert!(proves(&GENESIS, &l, &short));
        assert!(proves(&GENESIS, &l, &long));
        assert_ne!(short[..], long[..16], "v1 and v2 are told apart");
        assert!(!proves(&GENESIS, &link("called!"), &short));
        assert!(!proves(&GENESIS, &link("called!"), &long));
        assert!(!proves(&GENESIS, &l, &long[..20]), "no other width proves anything");
        // The previous hash's width counts: 16 zero bytes are not the genesis.
        assert_ne!(hash(&[0; 16], &l), short);
        assert_eq!(Previous::of(&short).unwrap().as_slice(), &short[..]);
        assert_eq!(Previous::of(&[]), None);
    }
}
