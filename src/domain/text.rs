//! The one sanitiser for untrusted text (titles, names, notes, imported data) on its way to a
//! terminal, in the TUI and the CLI alike. Escape sequences could recolour or rewrite the
//! screen and bidi overrides could disguise what a line says, so each becomes a visible
//! placeholder instead of being dropped silently.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Makes `s` safe to print: newlines stay, tabs become a space, every other C0 control and DEL
/// becomes its Unicode control picture (ESC -> ␛), C1 controls and bidi overrides become
/// `[U+XXXX]`.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (c, joins) in marking_joins(s) {
        if joins {
            out.push(c);
        } else {
            push_safe(&mut out, c, false);
        }
    }
    out
}

/// Each character of `s`, and whether it is a zero-width joiner inside one emoji (👨‍👩‍👧):
/// a joiner followed by more of its own grapheme can only be joining two emoji (UAX 29
/// GB11), so it is part of a glyph the terminal draws, not a hidden character. A joiner
/// anywhere else ends its grapheme and is shown as the placeholder.
fn marking_joins(s: &str) -> impl Iterator<Item = (char, bool)> + '_ {
    s.graphemes(true).flat_map(|g| {
        let last = g.char_indices().last().map_or(0, |(i, _)| i);
        g.char_indices().map(move |(i, c)| (c, c == ZWJ && i < last))
    })
}

const ZWJ: char = '\u{200d}';

/// [`sanitize_line`] without a copy when there is nothing to replace (most titles and names).
pub fn line_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if all_plain(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(sanitize_line(s))
    }
}

/// [`sanitize`] keeping tabs, without a copy when there is nothing to replace (files that keep
/// line breaks and tabs: CSV cells).
pub fn text_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(|c| c == '\n' || c == '\t' || !is_unsafe(c)) {
        std::borrow::Cow::Borrowed(s)
    } else {
        // Tabs are data in a file (sanitize makes them spaces for the screen's columns).
        std::borrow::Cow::Owned(s.split('\t').map(sanitize).collect::<Vec<_>>().join("\t"))
    }
}

/// Like [`sanitize`], for one-line places (table cells, headers): newlines become `⏎`.
pub fn sanitize_line(s: &str) -> String {
    if all_plain(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for (c, joins) in marking_joins(s) {
        if joins {
            out.push(c);
        } else {
            push_safe(&mut out, c, true);
        }
    }
    out
}

fn push_safe(out: &mut String, c: char, one_line: bool) {
    match c {
        '\n' if one_line => out.push('⏎'),
        '\n' => out.push('\n'),
        '\t' => out.push(' '),
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7f}' => out.push('␡'),
        '\u{80}'..='\u{9f}' => out.push_str(&format!("[U+{:04X}]", c as u32)),
        c if is_invisible(c) => out.push_str(&format!("[U+{:04X}]", c as u32)),
        _ => out.push(c),
    }
}

/// Characters that move, hide or break text without showing themselves: bidi controls,
/// zero-width and other format characters (ZWJ too, except inside one emoji: see
/// [`marking_joins`]), line and paragraph separators, tags.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061c}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Pasted text made fit to type into a field: line breaks (`\r\n`, `\r`) become `\n` in a
/// multi-line field and a space in a one-line one; tabs become a space; other control and
/// invisible characters are dropped (an escape sequence's ESC too, so it cannot act); a joiner
/// inside an emoji (👨‍👩‍👧) is part of it and stays.
pub fn pasted(s: &str, multiline: bool) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s = if multiline {
        s
    } else {
        s.trim_end_matches('\n').replace('\n', " ")
    };
    marking_joins(&s)
        .filter_map(|(c, joins)| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if is_unsafe(c) && !joins => None,
            c => Some(c),
        })
        .collect()
}

/// `s` with full-width forms (U+FF01-U+FF5E, the ideographic space) made ASCII, when it holds
/// some and then reads as a number, a date, a time or a duration (`２９`, `５０．５`, `３ｄ`,
/// `２０２６-１２-０１`); `None` otherwise, so a title or a name is never changed.
pub fn halfwidth_value(s: &str) -> Option<String> {
    if !s.chars().any(|c| ('\u{ff01}'..='\u{ff5e}').contains(&c)) {
        return None;
    }
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    let value_like = ascii.chars().any(|c| c.is_ascii_digit())
        && ascii
            .chars()
            .all(|c| c.is_ascii_digit() || "-+:.,/ TZdhmwDHMW".contains(c));
    value_like.then_some(ascii)
}

/// True when `s` has nothing a person can read: only spaces, controls and invisible characters
/// (a title of one zero-width space is as empty as "").
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_unsafe(c))
}

/// True for characters [`sanitize`] never lets through.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n') || is_invisible(c)
}

/// False when no character [`is_unsafe`] holds can start with byte `b` of UTF-8 (printable
/// ASCII, the line break, continuation bytes and the lead bytes of CJK among others), so a
/// scan skips those bytes undecoded.
#[inline]
pub fn may_start_unsafe(b: u8) -> bool {
    matches!(b, 0..=0x09 | 0x0b..=0x1f | 0x7f | 0xc2 | 0xd8 | 0xdb | 0xdc | 0xe1 | 0xe2 | 0xef | 0xf3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_width_numbers_dates_and_durations_read_as_ascii() {
        assert_eq!(halfwidth_value("２９").as_deref(), Some("29"));
        assert_eq!(halfwidth_value("３ｄ").as_deref(), Some("3d"));
        assert_eq!(halfwidth_value("５０．５").as_deref(), Some("50.5"));
        assert_eq!(halfwidth_value("２０２６-１２-０１").as_deref(), Some("2026-12-01"));
        assert_eq!(halfwidth_value("29"), None, "already ASCII");
        assert_eq!(halfwidth_value("ＡＢＣ"), None, "a word, not a value");
        assert_eq!(halfwidth_value("水壶２台"), None, "text with a number in it");
    }

    #[test]
    fn text_of_invisible_characters_only_is_blank() {
        assert!(is_blank(""));
        assert!(is_blank(" \u{200b}\u{200b} "));
        assert!(is_blank("\u{202e}\u{1b}\n"));
        assert!(!is_blank("👨\u{200d}👩"));
        assert!(!is_blank(" a "));
        assert!(!is_blank("水"));
    }

    #[test]
    fn every_unsafe_character_starts_with_a_byte_that_may_start_one() {
        let mut utf8 = [0u8; 4];
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if is_unsafe(c) {
                let lead = c.encode_utf8(&mut utf8).as_bytes()[0];
                assert!(may_start_unsafe(lead), "{:?} starts with {lead:#x}", c);
            }
        }
        assert!(!may_start_unsafe(b'\n') && !may_start_unsafe(b'a') && !may_start_unsafe("王".as_bytes()[0]));
    }

    #[test]
    fn escapes_become_visible() {
        assert_eq!(sanitize("a\u{1b}[31mred"), "a␛[31mred");
        assert_eq!(sanitize("x\u{9b}y"), "x[U+009B]y");
        assert_eq!(sanitize("abc\u{202e}def"), "abc[U+202E]def");
        assert_eq!(sanitize("a\r\nb\tc"), "a␍\nb c");
        assert_eq!(sanitize_line("a\nb"), "a⏎b");
        assert_eq!(sanitize("王小明 ok"), "王小明 ok");
    }

    #[test]
    fn invisible_and_separating_characters_become_visible() {
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a[U+2028]b[U+2029]c");
        assert_eq!(
            sanitize("zero\u{200b}width\u{200d}joiner"),
            "zero[U+200B]width[U+200D]joiner"
        );
        assert_eq!(sanitize("\u{feff}bom\u{2060}\u{2064}"), "[U+FEFF]bom[U+2060][U+2064]");
        assert_eq!(sanitize_line("soft\u{ad}hyphen"), "soft[U+00AD]hyphen");
        for c in ['\u{2028}', '\u{200b}', '\u{200f}', '\u{2062}', '\u{feff}', '\u{e0041}'] {
            assert!(is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn pastes_become_text() {
        assert_eq!(pasted("Dear shop,\r\nmy order\n", true), "Dear shop,\nmy order\n");
        assert_eq!(
            pasted("Dear shop,\nmy order\r\nRegards", false),
            "Dear shop, my order Regards"
        );
        assert_eq!(pasted("139 0000 1111\n", false), "139 0000 1111");
        assert_eq!(pasted("a\u{1b}[31mb\tc\u{202e}", false), "a[31mb c");
    }

    #[test]
    fn a_joiner_inside_an_emoji_is_kept_and_elsewhere_shown() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(pasted(family, false), family);
        assert_eq!(sanitize(family), family);
        assert_eq!(sanitize_line(&format!("x {family} y")), format!("x {family} y"));
        // Between letters, or trailing an emoji, it hides itself: the placeholder shows it.
        assert_eq!(sanitize("a\u{200d}b"), "a[U+200D]b");
        assert_eq!(sanitize("👨\u{200d}a"), "👨[U+200D]a");
        assert_eq!(sanitize("👨\u{200d}"), "👨[U+200D]");
        assert_eq!(pasted("a\u{200d}b👨\u{200d}", false), "ab👨");
        assert_eq!(super::width_of(family), 2);
    }

    proptest! {
        #[test]
        fn sanitised_text_has_no_control_but_newline(s in any::<String>()) {
            // Only a joiner inside an emoji passes, and that one is drawn, not hidden.
            let out = sanitize(&s);
            prop_assert!(!marking_joins(&out).any(|(c, joins)| is_unsafe(c) && !joins), "{out:?}");
            let line = sanitize_line(&s);
            prop_assert!(
                !marking_joins(&line).any(|(c, joins)| (is_unsafe(c) && !joins) || c == '\n'),
                "{line:?}"
            );
        }

        // The shortcut for plain text gives what segmenting by grapheme gives.
        #[test]
        fn plain_text_fits_as_segmented_text(s in "[ -~\u{3000}-\u{3029}\u{4e00}-\u{4e20}\u{ff01}-\u{ff60}]{0,12}", width in 0usize..16) {
            prop_assert!(all_plain(&s));
            let graphemes: usize = s.graphemes(true).map(UnicodeWidthStr::width).sum();
            prop_assert_eq!(width_of(&s), graphemes);
            prop_assert_eq!(s.graphemes(true).count(), s.chars().count());
            let (mut plain, mut segmented) = (String::new(), String::new());
            fit_plain(&mut plain, &s, width);
            fit_segmented(&mut segmented, &s, width);
            prop_assert_eq!(plain, segmented);
            prop_assert_eq!(sanitize_line(&s), s);
        }
    }
}

/// A countdown as the board shows it: `42:17` under an hour, `3h12m` under a day, `2d4h`
/// beyond, with a leading `-` once late (`-1h05m`).
pub fn countdown(secs: i64) -> String {
    let mut out = String::new();
    push_countdown(&mut out, secs);
    out
}

/// [`countdown`] appended to `out` (a long list writes one per row).
pub fn push_countdown(out: &mut String, secs: i64) {
    use std::fmt::Write;
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    // Writing into a String cannot fail.
    let _ = if s < 3600 {
        write!(out, "{sign}{}:{:02}", s / 60, s % 60)
    } else if s < 86_400 {
        write!(out, "{sign}{}h{:02}m", s / 3600, s % 3600 / 60)
    } else {
        write!(out, "{sign}{}d{}h", s / 86_400, s % 86_400 / 3600)
    };
}

#[cfg(test)]
mod countdown_tests {
    use super::countdown;

    #[test]
    fn countdowns_read_like_the_board() {
        assert_eq!(countdown(42 * 60 + 17), "42:17");
        assert_eq!(countdown(3 * 3600 + 12 * 60 + 30), "3h12m");
        assert_eq!(countdown(2 * 86_400 + 4 * 3600 + 59), "2d4h");
        assert_eq!(countdown(-(3600 + 5 * 60)), "-1h05m");
        assert_eq!(countdown(0), "0:00");
        assert_eq!(countdown(-59), "-0:59");
        assert_eq!(super::late(9 * 60 + 5), "9m");
        assert_eq!(super::late(45), "45s");
        assert_eq!(super::late(2 * 3600 + 41 * 60), "2h41m");
    }
}

/// How late, in words that cannot be read as a time of day: `45s`, `9m`, else as the
/// countdown writes it (`2h41m`, `1d9h`).
pub fn late(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => countdown(s),
    }
}

/// `s` cut or padded to exactly `width` terminal columns (CJK characters take two), with `…`
/// marking a cut. For aligned columns in plain-text output. Cuts fall between graphemes, as
/// the terminal draws them: a flag (two regional indicators) is never split into a stray letter.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::with_capacity(width + 8);
    push_fit(&mut out, s, width);
    out
}

/// [`fit`] appended to `out`: a table written row by row reuses one line.
pub fn push_fit(out: &mut String, s: &str, width: usize) {
    if all_plain(s) {
        fit_plain(out, s, width);
    } else {
        fit_segmented(out, s, width);
    }
}

/// [`fit`] grapheme by grapheme: any text.
fn fit_segmented(out: &mut String, s: &str, width: usize) {
    let mut used = 0;
    let total = width_of(s);
    let room = if total > width { width.saturating_sub(1) } else { width };
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w > room {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if total > width && width > 0 {
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
}

/// [`fit`] for a string of [`plain`] characters: each is a grapheme of its own, so no
/// segmentation is needed (a long `list` spent a fifth of its time segmenting).
fn fit_plain(out: &mut String, s: &str, width: usize) {
    let total: usize = if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(plain_width).sum()
    };
    // Most cells fit: copied whole, then padded.
    if total <= width {
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', width - total));
        return;
    }
    let room = if total > width { width.saturating_sub(1) } else { width };
    let mut used = 0;
    for c in s.chars() {
        let w = plain_width(c);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if total > width && width > 0 {
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
}

/// A character that is always a grapheme of its own and shown as itself by the sanitiser:
/// printable ASCII and the CJK ideographs and punctuation most titles and names are made of
/// (none of them joins or extends a neighbour, and none is a control or invisible).
fn plain(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{3000}'..='\u{3029}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff60}')
}

fn all_plain(s: &str) -> bool {
    s.chars().all(plain)
}

/// Columns of a [`plain`] character: one for ASCII, two for the CJK ranges.
fn plain_width(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// Display width of `s` grapheme by grapheme, as the board's terminal buffer lays it out.
pub fn width_of(s: &str) -> usize {
    if all_plain(s) {
        return s.chars().map(plain_width).sum();
    }
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// The first line of `s` [`wrap`]ped to `width`: cut between words (a number or word is kept
/// whole or left off, never halved); true when something was left off.
pub fn cut_at_word(s: &str, width: usize) -> (String, bool) {
    let mut lines = wrap(s, width).into_iter();
    let first = lines.next().unwrap_or_default();
    match lines.next() {
        // An opening bracket whose words were left off goes with them.
        Some(_) => (first.trim_end_matches(['(', '（', '[', '“', ' ']).to_string(), true),
        None => (first, false),
    }
}

/// `s` broken into lines at most `width` columns wide: at its own newlines, then between words
/// (spaces at a break are dropped); a word wider than a line, and CJK text (every ideograph is a
/// word of its own), breaks between graphemes. Never returns an empty list.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in s.split('\n') {
        let mut cur = String::new();
        let mut used = 0;
        // Just after a break: the spaces there are dropped.
        let mut fresh = false;
        for word in words(line) {
            let word = word.as_str();
            let w = width_of(word);
            if word.chars().all(char::is_whitespace) {
                if fresh {
                    continue;
                }
                if used + w <= width {
                    cur.push_str(word);
                    used += w;
                } else {
                    out.push(std::mem::take(&mut cur).trim_end().to_string());
                    used = 0;
                    fresh = true;
                }
                continue;
            }
            fresh = false;
            if used + w <= width {
                cur.push_str(word);
                used += w;
                continue;
            }
            if used > 0 {
                out.push(std::mem::take(&mut cur).trim_end().to_string());
                used = 0;
            }
            for g in word.graphemes(true) {
                let gw = g.width();
                if used + gw > width && used > 0 {
                    out.push(std::mem::take(&mut cur));
                    used = 0;
                }
                cur.push_str(g);
                used += gw;
            }
        }
        out.push(cur);
    }
    out
}

/// The words of `line` for wrapping: Unicode's word bounds, with a ticket number (`#189`)
/// kept as one word.
fn words(line: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in line.split_word_bounds() {
        match out.last_mut() {
            Some(prev) if prev == "#" && word.starts_with(|c: char| c.is_ascii_digit()) => prev.push_str(word),
            _ => out.push(word.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod fit_tests {
    use super::fit;

    #[test]
    fn fits_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("王小明", 7), "王小明 ");
        assert_eq!(fit("王小明", 5), "王小…");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 0), "");
        // A flag is one glyph two columns wide: cut whole or kept whole.
        assert_eq!(fit("🇨🇳中国", 3), "🇨🇳…");
        assert_eq!(fit("a🇨🇳", 2), "a…");
        assert_eq!(super::width_of("🇨🇳"), 2);
    }

    #[test]
    fn wraps_at_words_and_anywhere_in_cjk() {
        use super::wrap;
        assert_eq!(wrap("the order is late", 9), ["the order", "is late"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("洗衣机滚筒不转", 6), ["洗衣机", "滚筒不", "转"]);
        assert_eq!(wrap("SO-2001 洗衣机", 9), ["SO-2001", "洗衣机"]);
        assert_eq!(wrap("a\n\nb", 5), ["a", "", "b"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("🇨🇳🇨🇳🇨🇳", 5), ["🇨🇳🇨🇳", "🇨🇳"]);
        // A ticket number is one word: never "#" at a line's end and "189" on the next.
        assert_eq!(wrap("reply: #183, #189, #191", 14), ["reply: #183,", "#189, #191"]);
        for line in wrap("Dear shop, my order SO-2001 is late. 我的订单还没有到。", 7) {
            assert!(super::width_of(&line) <= 7, "{line:?}");
        }
    }
}
