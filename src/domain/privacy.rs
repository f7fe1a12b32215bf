//! Contact details typed into free text (a note "call 138-1234-5678", an e-mail address in a
//! title) masked the way an export masks the customer's own columns, for exports without
//! `--include-personal`.
//!
//! A phone number is a run of digits, with single spaces or hyphens between groups, that is
//! not glued to a word, an order code or a decimal: 7 to 15 digits written together, or 8 to
//! 15 written in groups when it starts with `+` or `0` (an international or trunk prefix) or is
//! a Chinese mobile (11 digits from 13x to 19x, with or without 86). Dates such as
//! `2026-11-02` and short codes stay. An e-mail address is `mailbox@domain.tld`.

use std::borrow::Cow;

/// `s` with each phone number and e-mail address in it masked (`138****5678`,
/// `z***@example.cn`); borrowed when there is none.
pub fn mask_contacts(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        return Cow::Borrowed(s);
    }
    let mut spans = emails(s);
    let mut at = 0;
    while let Some((start, end)) = next_phone(s, at) {
        if !spans.iter().any(|&(a, b)| start < b && a < end) {
            spans.push((start, end));
        }
        at = end;
    }
    if spans.is_empty() {
        return Cow::Borrowed(s);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(s.len());
    let mut done = 0;
    for (start, end) in spans {
        out.push_str(&s[done..start]);
        let found = &s[start..end];
        out.push_str(&if found.contains('@') {
            mask_email(found)
        } else {
            mask_phone(found)
        });
        done = end;
    }
    out.push_str(&s[done..]);
    Cow::Owned(out)
}

fn mailbox_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-".contains(&b)
}

fn domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// Byte spans of the e-mail addresses in `s`.
fn emails(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, _) in s.match_indices('@') {
        if spans.last().is_some_and(|&(_, end)| i < end) {
            continue;
        }
        let start = (0..i).rev().take_while(|&j| mailbox_char(b[j])).last().unwrap_or(i);
        let mut end = (i + 1..b.len())
            .take_while(|&j| domain_char(b[j]))
            .last()
            .map_or(i + 1, |j| j + 1);
        // A sentence's full stop after the address is not part of it.
        while end > i + 1 && b[end - 1] == b'.' {
            end -= 1;
        }
        let domain = &s[i + 1..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if start < i && tld_ok {
            spans.push((start, end));
        }
    }
    spans
}

/// The next phone number's byte span at or after `from`.
fn next_phone(s: &str, from: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut i = from;
    while i < b.len() {
        let plus = b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(b[i].is_ascii_digit() || plus) || (i > 0 && glued_before(b[i - 1])) {
            i += 1;
            continue;
        }
        // Digits, and single spaces or hyphens that have a digit after them.
        let mut end = i + usize::from(plus);
        let (mut digits, mut grouped) = (0, false);
        let mut first = Vec::with_capacity(15);
        while end < b.len() {
            if b[end].is_ascii_digit() {
                digits += 1;
                if first.len() < 15 {
                    first.push(b[end]);
                }
                end += 1;
            } else if (b[end] == b' ' || b[end] == b'-') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
                grouped = true;
                end += 1;
            } else {
                break;
            }
        }
        let glued_after = b.get(end).is_some_and(|&c| {
            c.is_ascii_alphanumeric()
                || c == b'_'
                || ((c == b'.' || c == b',') && b.get(end + 1).is_some_and(u8::is_ascii_digit))
        });
        let phone = !glued_after
            && (7..=15).contains(&digits)
            && (!grouped || (digits >= 8 && (plus || first[0] == b'0' || chinese_mobile(&first))));
        if phone {
            return Some((i, end));
        }
        i = end.max(i + 1);
    }
    None
}

/// The character before a run makes it part of something else: a word, a code (`SO-1234567`),
/// a path or a decimal.
fn glued_before(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"_-/#.,".contains(&c)
}

/// 11 digits from 13x to 19x, after 86 or 0086 or alone.
fn chinese_mobile(digits: &[u8]) -> bool {
    let number = digits
        .strip_prefix(b"0086")
        .or_else(|| digits.strip_prefix(b"86"))
        .filter(|rest| rest.len() == 11)
        .unwrap_or(digits);
    number.len() == 11 && number[0] == b'1' && (b'3'..=b'9').contains(&number[1])
}

/// A phone number as the board shows it: 13812345678 -> 138****5678 (禁止泄露客户个人信息).
pub fn mask_phone(phone: &str) -> String {
    let mut out = String::new();
    push_masked_phone(&mut out, phone);
    out
}

/// [`mask_phone`] appended to `out`, without a copy of the digits (a long list masks one per row).
pub fn push_masked_phone(out: &mut String, phone: &str) {
    let digits = || phone.bytes().filter(u8::is_ascii_digit);
    let mut n = digits().count();
    // A Chinese mobile with its country code (+86 / 0086): mask the 11-digit number itself, so
    // the shown prefix is the carrier's 1xx, not "861".
    let mut skip = 0;
    for code in [&b"0086"[..], &b"86"[..]] {
        if n == code.len() + 11
            && digits().take(code.len()).eq(code.iter().copied())
            && digits().nth(code.len()) == Some(b'1')
        {
            skip = code.len();
            n -= skip;
            break;
        }
    }
    let shown = || digits().skip(skip).map(char::from);
    match n {
        0 => {}
        n if n <= 4 => out.extend(std::iter::repeat_n('*', n)),
        n if n < 8 => {
            out.extend(std::iter::repeat_n('*', n - 4));
            out.extend(shown().skip(n - 4));
        }
        n => {
            out.extend(shown().take(3));
            out.push_str("****");
            out.extend(shown().skip(n - 4));
        }
    }
}

/// A customer's name as an export shows it without personal data: its first grapheme and a
/// star (张* for 张三, J* for Jane); "" stays "".
pub fn mask_name(name: &str) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    name.trim()
        .graphemes(true)
        .next()
        .map_or_else(String::new, |first| format!("{first}*"))
}

/// An e-mail address without personal data: the first grapheme of the mailbox, stars, the
/// domain (l***@example.cn); "" stays "".
pub fn mask_email(email: &str) -> String {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", mask_name(local).trim_end_matches('*')),
        None => mask_name(email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_in_text_are_masked_as_the_customer_columns_are() {
        let cases = [
            ("客户电话13812345678,请回电", "客户电话138****5678,请回电"),
            ("call +86 138-1234-5678 after six", "call 138****5678 after six"),
            ("landline 020-12345678.", "landline 020****5678."),
            ("UK +44 20 7946 0958", "UK 442****0958"),
            ("mail zhang.san@example.cn.", "mail z***@example.cn."),
            (
                "邮箱 li@shop.com 电话 13900002222",
                "邮箱 l***@shop.com 电话 139****2222",
            ),
            ("ext 1234567 only", "ext ***4567 only"),
        ];
        for (text, masked) in cases {
            assert_eq!(mask_contacts(text), masked, "{text}");
            assert_eq!(mask_contacts(text), mask_contacts(text).as_ref(), "{text}");
        }
    }

    #[test]
    fn dates_amounts_codes_and_plain_text_stay() {
        for text in [
            "到货 2026-11-02 09:00,退款 1500.00 元",
            "order SO-99093312 and #12345678",
            "breach kept: due 2026-11-02 09:00 UTC",
            "M码 L码 3 件",
            "price 12,345,678.50",
            "v1234567 abc_12345678 12345678kg",
            "a@b, @here, x@localhost, mail@example.c",
            "",
        ] {
            assert!(matches!(mask_contacts(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
