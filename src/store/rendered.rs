//! What the bulk writer renders ahead, on the thread that makes the stories: instants as the
//! store writes them, without an allocation each, and a cheap hash for a batch's map of entry
//! data texts.

use super::rows::{ts, ts_text};
use chrono::{DateTime, Datelike, Timelike, Utc};

/// An instant as the store writes it ([`ts`]) and as the log's chain covers it ([`ts_text`]),
/// the text kept inline: a bulk run renders about thirty a ticket, and one allocation each was
/// a tenth of the thread that renders them.
#[derive(Clone, Copy)]
pub(super) struct Stamp {
    secs: i64,
    len: u8,
    text: [u8; STAMP_MAX],
}

/// Longer than any [`ts`] text (`+262142-12-31T23:59:59Z` is 23 bytes).
const STAMP_MAX: usize = 32;

impl Stamp {
    pub(super) fn of(at: DateTime<Utc>) -> Stamp {
        let secs = ts(at);
        // The text of the stored seconds (a leap second reads as the second before it).
        let at = DateTime::from_timestamp(secs, 0).unwrap_or(at);
        let mut stamp = Stamp {
            secs,
            len: 0,
            text: [0; STAMP_MAX],
        };
        let (y, mo, d) = (at.year(), at.month(), at.day());
        let (h, mi, sec) = (at.hour(), at.minute(), at.second());
        if (0..=9999).contains(&y) {
            let mut put = |at: usize, n: u32, digits: usize| {
                let mut n = n;
                for i in (0..digits).rev() {
                    stamp.text[at + i] = b'0' + (n % 10) as u8;
                    n /= 10;
                }
            };
            put(0, y as u32, 4);
            put(5, mo, 2);
            put(8, d, 2);
            put(11, h, 2);
            put(14, mi, 2);
            put(17, sec, 2);
            for (i, c) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':'), (19, b'Z')] {
                stamp.text[i] = c;
            }
            stamp.len = 20;
        } else {
            // Years chrono writes with a sign: its own text.
            let text = ts_text(secs);
            let n = text.len().min(STAMP_MAX);
            stamp.text[..n].copy_from_slice(&text.as_bytes()[..n]);
            stamp.len = n as u8;
        }
        stamp
    }

    pub(super) fn secs(&self) -> i64 {
        self.secs
    }

    pub(super) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// FxHash, eight bytes a step, for a batch's maps of entry data texts and customers: the
/// batch's own keys, a few thousand at most, so even keys that collide cost little.
#[derive(Default)]
pub(super) struct TextHasher(u64);

impl std::hash::Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word.try_into().unwrap_or_default())).wrapping_mul(SEED);
        }
        let mut last = [0u8; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        self.0 = (h.rotate_left(5) ^ u64::from_le_bytes(last) ^ bytes.len() as u64).wrapping_mul(SEED);
    }

    fn finish(&self) -> u64 {
        // The product's best bits are its high ones; the table indexes by the low ones.
        self.0.rotate_left(26)
    }
}

/// FxHash's multiplier.
const SEED: u64 = 0x517c_c1b7_2722_0a95;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_stamp_is_the_stored_instant() {
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let far = Utc.with_ymd_and_hms(12026, 1, 2, 3, 4, 5).unwrap();
        let before = Utc.with_ymd_and_hms(-44, 3, 15, 12, 0, 0).unwrap();
        let mut instants = vec![
            at(0),
            at(23),
            leap,
            far,
            before,
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
        ];
        instants.extend((0..2000).map(|n| at(1) + chrono::Duration::seconds(n * 7_919_993 + n * n)));
        for at in instants {
            let stamp = Stamp::of(at);
            assert_eq!(stamp.secs(), ts(at), "{at:?}");
            assert_eq!(stamp.as_str(), ts_text(ts(at)), "{at:?}");
        }
    }
}
