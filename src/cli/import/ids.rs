//! The external ids of an import file between its two passes: each kept as a 128-bit digest
//! with the row it was first seen on, a fixed 32 bytes or so a row whatever the id's length.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Digests of the ids seen, with their first rows. Two keyed hashes (keys random per run, so
/// no file can be made to collide): two different ids share a digest with a chance of about
/// n² / 2¹²⁹, far below anything else that could go wrong.
#[derive(Default)]
pub struct Ids {
    keys: (RandomState, RandomState),
    first: HashMap<u128, u64>,
}

impl Ids {
    fn digest(&self, id: &str) -> u128 {
        (u128::from(self.keys.0.hash_one(id)) << 64) | u128::from(self.keys.1.hash_one(id))
    }

    /// Records `id` on `row`; the row it was seen on before, if it was.
    pub fn first(&mut self, id: &str, row: u64) -> Option<u64> {
        let digest = self.digest(id);
        match self.first.get(&digest) {
            Some(first) => Some(*first),
            None => {
                self.first.insert(digest, row);
                None
            }
        }
    }

    /// Whether `id` was first seen on `row`.
    pub fn is_first(&self, id: &str, row: u64) -> bool {
        self.first.get(&self.digest(id)) == Some(&row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_row_with_an_id_is_told_and_the_first_kept() {
        let mut ids = Ids::default();
        assert_eq!(ids.first("A-1", 2), None);
        assert_eq!(ids.first("A-2", 3), None);
        assert_eq!(ids.first("A-1", 4), Some(2));
        assert!(ids.is_first("A-1", 2));
        assert!(!ids.is_first("A-1", 4));
        assert!(!ids.is_first("A-3", 5), "an id the first pass never saw");
    }
}
