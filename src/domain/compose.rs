//! An outgoing reply, composed by hand (pure): the headers a mail client threads on, UTF-8
//! names and subjects as RFC 2047 encoded words, the body in base64 unless it is short-lined
//! ASCII. By hand rather than `mail-builder`: one text/plain part is a page of code, and a
//! crate for it would bring its own base64 and encoders into the domain for no gain.

use chrono::{DateTime, Utc};
use std::fmt::Write as _;

/// One address with an optional display name: `Shop Support <support@shop.example>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    pub addr: String,
}

/// Why an address or a command line cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// Not `name <user@host>` or `user@host`.
    NotAnAddress(String),
}

impl Mailbox {
    /// Reads `Name <user@host>`, `"Name" <user@host>` or `user@host`.
    pub fn parse(text: &str) -> Result<Mailbox, AddressError> {
        let bad = || AddressError::NotAnAddress(text.to_string());
        let text = text.trim();
        let (name, addr) = match text.rfind('<') {
            Some(open) => {
                let rest = &text[open + 1..];
                let addr = rest.strip_suffix('>').ok_or_else(bad)?;
                let name = text[..open].trim();
                let name = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')).unwrap_or(name);
                (name.to_string(), addr.trim().to_string())
            }
            None => (String::new(), text.to_string()),
        };
        if !usable_addr(&addr) || name.chars().any(|c| c.is_control() || c == '<' || c == '>') {
            return Err(bad());
        }
        Ok(Mailbox { name, addr })
    }

    /// `addr` with `name`, checked as [`Mailbox::parse`] checks it.
    pub fn new(name: &str, addr: &str) -> Result<Mailbox, AddressError> {
        let addr = addr.trim();
        if !usable_addr(addr) {
            return Err(AddressError::NotAnAddress(addr.to_string()));
        }
        Ok(Mailbox {
            name: one_line(name),
            addr: addr.to_string(),
        })
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.addr.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// `name <addr>` as a person reads it (not encoded).
    pub fn label(&self) -> String {
        if self.name.trim().is_empty() {
            self.addr.clone()
        } else {
            format!("{} <{}>", self.name.trim(), self.addr)
        }
    }

    /// The header value: the name as a phrase (an encoded word if it is not plain ASCII).
    pub fn header(&self) -> String {
        if self.name.trim().is_empty() {
            return format!("<{}>", self.addr);
        }
        format!("{} <{}>", phrase(self.name.trim()), self.addr)
    }
}

/// An address a header can carry: one `@`, a non-empty user and host, and none of the
/// characters that end an address or start another (so a customer's email cannot add a
/// recipient or a header).
fn usable_addr(addr: &str) -> bool {
    let Some((user, host)) = addr.rsplit_once('@') else {
        return false;
    };
    !user.is_empty()
        && !host.is_empty()
        && !host.starts_with('.')
        && !host.ends_with('.')
        && addr.len() <= 254
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;:\"()[]\\".contains(c) || !c.is_ascii())
        && !user.contains('@')
}

/// Whether `domain` can end a Message-ID: a host name, nothing else.
pub fn usable_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// A command line split as a shell would split words (single quotes, double quotes with
/// backslash escapes, backslashes), run without a shell. `None` for an unclosed quote or
/// nothing to run.
pub fn split_command(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            '\n' => {}
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next()? {
                    '\n' => {}
                    c => word.push(c),
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    (!words.is_empty()).then_some(words)
}

/// `Re: <subject> [#ID]`: the customer's last subject (or the ticket's title) with every
/// `Re:`/`回复:` prefix and every tag of this ticket taken off, so replies never stack them.
pub fn reply_subject(last_inbound: Option<&str>, title: &str, ticket: i64) -> String {
    let tag = format!("[#{ticket}]");
    let base = last_inbound.filter(|s| !s.trim().is_empty()).unwrap_or(title);
    let mut base = one_line(base).replace(&tag, " ");
    loop {
        let trimmed = base.trim_start();
        let lower = trimmed.to_lowercase();
        let prefix = ["re:", "re：", "aw:", "回复:", "回复：", "答复:", "答复："]
            .iter()
            .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => base = trimmed[p.len()..].to_string(),
            None => break,
        }
    }
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    if base.is_empty() {
        format!("Re: {tag}")
    } else {
        format!("Re: {base} {tag}")
    }
}

/// Our Message-ID for a reply on `ticket` (without `<>`): `promptly.<ticket>.<unix-secs>.<hex>@<domain>`.
/// Intake recognises the form, so a customer's reply threads even if our row is missing.
pub fn message_id(ticket: i64, at: DateTime<Utc>, random: u32, domain: &str) -> String {
    format!("promptly.{ticket}.{}.{random:08x}@{domain}", at.timestamp())
}

/// Everything a reply's message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    pub date: DateTime<Utc>,
    /// Without `<>`.
    pub message_id: String,
    /// The customer message answered, without `<>`.
    pub in_reply_to: Option<String>,
    /// The thread so far, oldest first, without `<>` (ends with `in_reply_to`).
    pub references: Vec<String>,
    /// What the agent wrote.
    pub text: String,
    /// Put after `-- ` when not empty.
    pub signature: String,
}

impl Reply {
    /// The body as sent: the text, then the signature after the `-- ` line.
    pub fn body(&self) -> String {
        let mut body = self.text.trim_end().replace("\r\n", "\n");
        let signature = self.signature.trim_end();
        if !signature.trim().is_empty() {
            body.push_str("\n\n-- \n");
            body.push_str(&signature.replace("\r\n", "\n"));
        }
        body.push('\n');
        body
    }

    /// The whole message as piped to sendmail: LF line ends, as `sendmail -t` and msmtp read
    /// a local message (they write CRLF on the wire).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        let mut header = |name: &str, value: &str| {
            let _ = writeln!(out, "{name}: {value}");
        };
        header("From", &self.from.header());
        header("To", &self.to.header());
        header("Subject", &unstructured(&self.subject));
        header("Date", &self.date.format("%a, %d %b %Y %H:%M:%S +0000").to_string());
        header("Message-ID", &format!("<{}>", self.message_id));
        if let Some(parent) = &self.in_reply_to {
            header("In-Reply-To", &format!("<{parent}>"));
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self.references.iter().map(|r| format!("<{r}>")).collect();
            header("References", &refs.join("\n "));
        }
        header("MIME-Version", "1.0");
        header("Content-Type", "text/plain; charset=utf-8");
        let body = self.body();
        let plain = body.is_ascii() && body.lines().all(|l| l.len() <= 78);
        if plain {
            header("Content-Transfer-Encoding", "7bit");
            out.push('\n');
            out.push_str(&body);
        } else {
            header("Content-Transfer-Encoding", "base64");
            out.push('\n');
            let encoded = base64(body.as_bytes());
            for chunk in encoded.as_bytes().chunks(76) {
                out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
                out.push('\n');
            }
        }
        out.into_bytes()
    }
}

/// One line: control characters (a newline could start a header) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A display name: as is when it is plain words, quoted when it holds specials, encoded
/// words when it is not ASCII.
fn phrase(name: &str) -> String {
    let name = one_line(name);
    if !name.is_ascii() {
        return encoded_words(&name);
    }
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " !#$%&'*+-/=?^_`{|}~".contains(c))
    {
        return name;
    }
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A subject: as is when it is ASCII, else encoded words (folded between them).
fn unstructured(text: &str) -> String {
    let text = one_line(text);
    // A plain ASCII line never looks like an encoded word to a reader unless it has `=?`.
    if text.is_ascii() && !text.contains("=?") && text.len() <= 900 {
        text
    } else {
        encoded_words(&text)
    }
}

/// RFC 2047 `=?UTF-8?B?...?=` words of at most 75 characters, cut between characters,
/// joined by folding whitespace.
fn encoded_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        // 45 bytes of UTF-8 are 60 of base64: with `=?UTF-8?B??=` (12) within 75.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\n ")
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [group[0], *group.get(1).unwrap_or(&0), *group.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= group.len() {
                out.push(char::from(TABLE[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_read_and_refuse() {
        let m = Mailbox::parse("Shop Support <support@shop.example>").unwrap();
        assert_eq!(
            (m.name.as_str(), m.addr.as_str()),
            ("Shop Support", "support@shop.example")
        );
        assert_eq!(m.domain(), "shop.example");
        assert_eq!(Mailbox::parse("\"A, B\" <a@b.c>").unwrap().name, "A, B");
        assert_eq!(Mailbox::parse("a@b.c").unwrap().name, "");
        for bad in [
            "",
            "support",
            "<a@b.c",
            "x <a b@c.d>",
            "a@b.c, evil@x.y",
            "x <a@b.c>\nBcc: e@f.g",
        ] {
            assert!(Mailbox::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Mailbox::new("王", "a@b.c\nBcc: x@y.z").is_err());
    }

    #[test]
    fn commands_split_like_a_shell() {
        let words = |s: &str| split_command(s).unwrap();
        assert_eq!(words("msmtp -t"), ["msmtp", "-t"]);
        assert_eq!(words("msmtp -a 'my acct' -t"), ["msmtp", "-a", "my acct", "-t"]);
        assert_eq!(
            words(r#"/opt/x\ y/send "a \"b\"" ''"#),
            ["/opt/x y/send", "a \"b\"", ""]
        );
        assert_eq!(split_command("  "), None);
        assert_eq!(split_command("msmtp 'open"), None);
    }

    #[test]
    fn subjects_carry_one_tag_and_one_re() {
        assert_eq!(reply_subject(None, "Kettle", 7), "Re: Kettle [#7]");
        assert_eq!(reply_subject(Some("Re: RE: Kettle [#7]"), "x", 7), "Re: Kettle [#7]");
        assert_eq!(reply_subject(Some("回复：水壶 [#7] [#7]"), "x", 7), "Re: 水壶 [#7]");
        assert_eq!(reply_subject(Some("a\r\nBcc: x"), "x", 7), "Re: a Bcc: x [#7]");
        assert_eq!(reply_subject(Some("[#7]"), "x", 7), "Re: [#7]");
    }

    #[test]
    fn intake_reads_the_ticket_back_from_our_message_ids() {
        let at = "2026-11-23T02:00:00Z".parse().unwrap();
        for random in [0, 0xab, u32::MAX] {
            let id = message_id(42, at, random, "shop.example");
            assert_eq!(crate::domain::mail::ticket_of_our_id(&id), Some(42), "{id}");
        }
    }

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn a_chinese_reply_is_encoded_and_threaded() {
        let reply = Reply {
            from: Mailbox::parse("Shop <s@shop.example>").unwrap(),
            to: Mailbox::new("王小明", "wang@example.cn").unwrap(),
            subject: "Re: 水壶不加热 [#3]".into(),
            date: "2026-11-23T02:00:00Z".parse().unwrap(),
            message_id: message_id(3, "2026-11-23T02:00:00Z".parse().unwrap(), 0xab, "shop.example"),
            in_reply_to: Some("c1@example.cn".into()),
            references: vec!["c0@example.cn".into(), "c1@example.cn".into()],
            text: "您好，已安排换货。".into(),
            signature: "Shop\n400-800".into(),
        };
        let text = String::from_utf8(reply.to_bytes()).unwrap();
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains("To: =?UTF-8?B?546L5bCP5piO?= <wang@example.cn>\n"),
            "{text}"
        );
        assert!(
            text.contains("Message-ID: <promptly.3.1795399200.000000ab@shop.example>\n"),
            "{text}"
        );
        assert!(text.contains("In-Reply-To: <c1@example.cn>\nReferences: <c0@example.cn>\n <c1@example.cn>\n"));
        assert!(text.contains("Date: Mon, 23 Nov 2026 02:00:00 +0000\n"), "{text}");
        assert!(text.contains("Content-Transfer-Encoding: base64\n\n"));
        assert_eq!(reply.body(), "您好，已安排换货。\n\n-- \nShop\n400-800\n");
    }
}
