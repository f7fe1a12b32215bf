//! Mail as a channel (issue 15): what a mail row says about a message, and the pure rules of
//! intake (threading ids, subject tags, quote trimming, keyword rules, file names).

use serde::{Deserialize, Serialize};

/// Which way a message went: from the customer (`in`) or from the desk (`out`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailDirection {
    In,
    Out,
}

impl MailDirection {
    /// The stored value (`mail.direction`).
    pub fn as_str(self) -> &'static str {
        match self {
            MailDirection::In => "in",
            MailDirection::Out => "out",
        }
    }

    pub fn parse(s: &str) -> Option<MailDirection> {
        match s {
            "in" => Some(MailDirection::In),
            "out" => Some(MailDirection::Out),
            _ => None,
        }
    }
}

/// One attachment of a message as the mail row lists it: saved under the data dir (`saved`,
/// relative to it) or not, and then why (`reason`: "too-large", "unsafe-name", "write-failed").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub size: u64,
    pub saved: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

use crate::domain::ticket::{Kind, Priority};

/// Longest Message-ID kept (RFC 5322 lines are at most 998 octets).
pub const ID_MAX: usize = 998;
/// How many References are read: the newest ones, where a thread's recent ids are.
pub const REFS_MAX: usize = 50;
/// Longest saved attachment name, in characters (the extension kept).
pub const FILE_NAME_MAX: usize = 100;
/// And in bytes: file systems take 255, less room for a number (`-1000`) when it is taken;
/// 100 Chinese characters are 300 bytes.
pub const FILE_NAME_MAX_BYTES: usize = 200;

/// A Message-ID as stored: trimmed, without `<>`, bounded; `None` when nothing is left.
pub fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>').trim();
    let id: String = id.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    if id.is_empty() || id.len() > ID_MAX {
        return None;
    }
    Some(id)
}

/// The ids of a References or In-Reply-To header as written (`<a@x> <b@y>`), in order, the
/// last [`REFS_MAX`] kept. Text outside angle brackets is ignored (old mailers add comments).
pub fn id_list(header: &str) -> Vec<String> {
    let mut ids: Vec<String> = header
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>').and_then(|(id, _)| clean_id(id)))
        .collect();
    if ids.is_empty() {
        // A bare id without brackets (`In-Reply-To: a@x`).
        ids.extend(
            header
                .split_whitespace()
                .filter(|w| w.contains('@'))
                .filter_map(clean_id),
        );
    }
    let skip = ids.len().saturating_sub(REFS_MAX);
    ids.drain(..skip);
    ids
}

/// The ticket an outbound Message-ID of ours names: `promptly.<ticket>.<unix-secs>.<8 hex>@<domain>`.
pub fn ticket_of_our_id(id: &str) -> Option<i64> {
    let (local, domain) = id.split_once('@')?;
    let mut parts = local.split('.');
    let ok = parts.next() == Some("promptly");
    let ticket = parts.next()?.parse::<i64>().ok().filter(|t| *t > 0)?;
    let secs = parts.next()?;
    let hex = parts.next()?;
    let well_formed = ok
        && !domain.is_empty()
        && parts.next().is_none()
        && !secs.is_empty()
        && secs.bytes().all(|b| b.is_ascii_digit())
        && hex.len() == 8
        && hex.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then_some(ticket)
}

/// The ticket numbers tagged `[#123]` in a subject, in order.
pub fn subject_tags(subject: &str) -> Vec<i64> {
    subject
        .split("[#")
        .skip(1)
        .filter_map(|part| {
            let (n, _) = part.split_once(']')?;
            let digits = !n.is_empty() && n.len() <= 18 && n.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| n.parse::<i64>().ok()).flatten().filter(|n| *n > 0)
        })
        .collect()
}

/// A subject as a ticket title: reply and forward prefixes (`Re:`, `Fwd:`, `回复：`, `答复:`,
/// `转发:`) taken off, whitespace folded, bounded to `max` characters. May be empty.
pub fn title_from_subject(subject: &str, max: usize) -> String {
    let mut s = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = s.to_lowercase();
        let prefix = [
            "re:",
            "re：",
            "fw:",
            "fwd:",
            "aw:",
            "回复:",
            "回复：",
            "答复:",
            "答复：",
            "转发:",
            "转发：",
        ]
        .iter()
        .find(|p| lower.starts_with(*p));
        match prefix {
            // The prefixes are ASCII or whole CJK characters: cutting at their length stays on a
            // character boundary of `s` (lowercasing ASCII keeps byte lengths).
            Some(p) if s.is_char_boundary(p.len()) => s = s[p.len()..].trim_start().to_string(),
            _ => break,
        }
    }
    s.chars().take(max).collect()
}

/// The customer's own words of a reply: the quoted history under "On ... wrote:", "在 ...
/// 写道：", Outlook's "-----Original Message-----" / "-----原始邮件-----" and every `>` line
/// taken off, trailing blank lines too. The raw message keeps all of it.
pub fn trim_quoted(body: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if starts_history(t) {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    // "On ... wrote:" is often wrapped over two lines: drop a dangling "On ..." line.
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    while kept.first().is_some_and(|l| l.trim().is_empty()) {
        kept.remove(0);
    }
    kept.join("\n")
}

fn starts_history(t: &str) -> bool {
    let lower = t.to_lowercase();
    let dashes = |s: &str| s.starts_with("-----") && s.trim_matches('-').trim().len() < s.len();
    (lower.starts_with("on ") && (lower.ends_with("wrote:") || lower.ends_with("写道：")))
        || (t.starts_with('在') && (t.ends_with("写道：") || t.ends_with("写道:")))
        || (dashes(t)
            && ["original message", "原始邮件", "原始郵件", "forwarded message"]
                .iter()
                .any(|m| lower.contains(m)))
}

/// One `[[intake.rules]]` entry: a keyword found in the subject or body sets kind and/or priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub keyword: String,
    pub kind: Option<Kind>,
    pub priority: Option<Priority>,
}

/// The first rule whose keyword is in the subject or the body (case-insensitive).
pub fn first_rule<'a>(rules: &'a [Rule], subject: &str, body: &str) -> Option<&'a Rule> {
    let (subject, body) = (subject.to_lowercase(), body.to_lowercase());
    rules.iter().find(|r| {
        let k = r.keyword.trim().to_lowercase();
        !k.is_empty() && (subject.contains(&k) || body.contains(&k))
    })
}

/// An attachment name made safe to save: no folder part, no control or invisible character,
/// no leading dot, at most [`FILE_NAME_MAX`] characters and [`FILE_NAME_MAX_BYTES`] bytes (the
/// extension kept); "attachment" when nothing is left.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| {
            if crate::domain::text::is_unsafe(c) || c == '\n' || c == ':' {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned
        .trim()
        .trim_start_matches(['.', ' ', '-'])
        .trim_end_matches(['.', ' ']);
    if cleaned.is_empty() {
        return "attachment".to_string();
    }
    if cleaned.chars().count() <= FILE_NAME_MAX && cleaned.len() <= FILE_NAME_MAX_BYTES {
        return cleaned.to_string();
    }
    let (stem, ext) = split_ext(cleaned);
    let ext: String = ext.chars().take(16).collect();
    let mut bytes = FILE_NAME_MAX_BYTES - ext.len();
    let stem: String = stem
        .chars()
        .take(FILE_NAME_MAX - ext.chars().count())
        .take_while(|c| {
            let fits = c.len_utf8() <= bytes;
            if fits {
                bytes -= c.len_utf8();
            }
            fits
        })
        .collect();
    format!("{stem}{ext}")
}

/// `a.pdf` -> (`a`, `.pdf`); no extension -> (name, "").
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    }
}

/// The `n`-th name tried for `name` when it is taken: `a.pdf`, `a-2.pdf`, `a-3.pdf`...
pub fn numbered(name: &str, n: u32) -> String {
    if n <= 1 {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    format!("{stem}-{n}{ext}")
}

/// A size as the config writes it: `10MB`, `512KB`, `1GB`, `2000` (bytes); binary units.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().ok()?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// The Message-ID given to a message that has none: the SHA-256 of its bytes, so the same
/// message delivered twice is still taken once.
pub fn synthetic_id(raw: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(raw).iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256.{hex}@promptly.invalid")
}

/// A delivery report rather than a person writing: multipart/report (a DSN), or from the
/// mailer daemon or postmaster.
pub fn is_bounce(from_addr: &str, content_type: &str, subtype: &str) -> bool {
    let local = from_addr.split('@').next().unwrap_or("").to_ascii_lowercase();
    (content_type.eq_ignore_ascii_case("multipart") && subtype.eq_ignore_ascii_case("report"))
        || local == "mailer-daemon"
        || local == "postmaster"
        || from_addr.is_empty() && subtype.eq_ignore_ascii_case("report")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cleaned_and_listed_in_order() {
        assert_eq!(clean_id(" <a@x> ").as_deref(), Some("a@x"));
        assert_eq!(clean_id("<>"), None);
        assert_eq!(id_list("<a@x> (comment) <b@y>"), vec!["a@x", "b@y"]);
        assert_eq!(id_list("a@x"), vec!["a@x"]);
        let many: String = (0..80).map(|i| format!("<{i}@x> ")).collect();
        let ids = id_list(&many);
        assert_eq!(ids.len(), REFS_MAX);
        assert_eq!(ids.last().map(String::as_str), Some("79@x"));
    }

    #[test]
    fn our_ids_name_their_ticket() {
        assert_eq!(ticket_of_our_id("promptly.12.1764720000.0a1b2c3d@shop.cn"), Some(12));
        assert_eq!(ticket_of_our_id("promptly.12.1764720000.0a1b2c3@shop.cn"), None);
        assert_eq!(ticket_of_our_id("promptly.x.1.0a1b2c3d@shop.cn"), None);
        assert_eq!(ticket_of_our_id("other.12.1764720000.0a1b2c3d@shop.cn"), None);
        assert_eq!(ticket_of_our_id("promptly.12.1764720000.0a1b2c3d"), None);
    }

    #[test]
    fn subject_tags_and_titles() {
        assert_eq!(subject_tags("Re: 水壶 [#12] [#x] [#7]"), vec![12, 7]);
        assert!(subject_tags("[#0] [#-1] [#99999999999999999999]").is_empty());
        assert_eq!(title_from_subject("Re: RE: 回复：  水壶   漏水", 200), "水壶 漏水");
        assert_eq!(title_from_subject("Fwd: 答复: x", 200), "x");
        assert_eq!(title_from_subject("Re:", 200), "");
        assert_eq!(title_from_subject("Réunion", 200), "Réunion");
        assert_eq!(title_from_subject(&"长".repeat(300), 200).chars().count(), 200);
    }

    #[test]
    fn quoted_history_is_trimmed() {
        let en = "Still broken.\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <s@x> wrote:\n> did it work?\n";
        assert_eq!(trim_quoted(en), "Still broken.");
        let zh = "还是不行。\n在 2026年12月1日 10:00，客服 <s@x> 写道：\n> 好了吗？";
        assert_eq!(trim_quoted(zh), "还是不行。");
        let outlook = "Thanks\n-----Original Message-----\nFrom: s@x\n";
        assert_eq!(trim_quoted(outlook), "Thanks");
        let cn_outlook = "谢谢\n\n-----原始邮件-----\n发件人: s@x\n";
        assert_eq!(trim_quoted(cn_outlook), "谢谢");
        assert_eq!(trim_quoted("> only quote\n> more"), "");
        assert_eq!(trim_quoted("a\n> q\nb"), "a\nb");
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let rules = vec![
            Rule {
                keyword: "投诉".into(),
                kind: Some(Kind::Complaint),
                priority: Some(Priority::Important),
            },
            Rule {
                keyword: "URGENT".into(),
                kind: None,
                priority: Some(Priority::Urgent),
            },
        ];
        assert_eq!(
            first_rule(&rules, "我要投诉", "urgent").map(|r| r.keyword.as_str()),
            Some("投诉")
        );
        assert_eq!(
            first_rule(&rules, "hello", "this is urgent").map(|r| r.keyword.as_str()),
            Some("URGENT")
        );
        assert!(first_rule(&rules, "hello", "world").is_none());
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\x\\report.pdf"), "report.pdf");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\u{1b}[31mb.txt"), "a_[31mb.txt");
        assert_eq!(safe_file_name("\u{202e}gpj.exe"), "_gpj.exe");
        assert_eq!(safe_file_name("../"), "attachment");
        assert_eq!(safe_file_name(".."), "attachment");
        let long = format!("{}.pdf", "a".repeat(300));
        let safe = safe_file_name(&long);
        assert_eq!(safe.chars().count(), FILE_NAME_MAX);
        assert!(safe.ends_with(".pdf"));
        // Bounded in bytes too, whole characters kept: 65 of 3 bytes and ".pdf".
        let long = format!("{}.pdf", "长".repeat(90));
        let safe = safe_file_name(&long);
        assert_eq!(safe, format!("{}.pdf", "长".repeat(65)));
        assert!(safe_file_name(&format!("{}.pdf", "长".repeat(60))).ends_with("长.pdf"));
        assert_eq!(numbered("a.pdf", 1), "a.pdf");
        assert_eq!(numbered("a.pdf", 3), "a-3.pdf");
        assert_eq!(numbered("README", 2), "README-2");
    }

    #[test]
    fn sizes_and_bounces() {
        assert_eq!(parse_size("10MB"), Some(10 << 20));
        assert_eq!(parse_size("512 kb"), Some(512 << 10));
        assert_eq!(parse_size("2000"), Some(2000));
        assert_eq!(parse_size("10 parsecs"), None);
        assert_eq!(parse_size("99999999999999999999GB"), None);
        assert!(is_bounce("MAILER-DAEMON@mx.example.cn", "text", "plain"));
        assert!(is_bounce("x@y", "multipart", "report"));
        assert!(!is_bounce("li@example.cn", "multipart", "mixed"));
    }
}
