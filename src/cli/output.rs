//! What the CLI prints: aligned text for people, JSON with stable keys for scripts. All
//! untrusted text goes through the one sanitiser.

use super::{CliError, Result};
use crate::desk::{Desk, TicketView};
use crate::domain::sla::ClockState;
use crate::domain::text::{fit, sanitize, sanitize_line};
use crate::domain::ticket::Status;
use crate::t;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::{self, BufWriter, Write};

/// Prints one value as pretty JSON and a newline, streamed to a locked, buffered stdout and
/// terminal-safe (see [`TerminalSafe`]).
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let mut out = TerminalSafe::new(BufWriter::new(io::stdout().lock()));
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Pretty, terminal-safe JSON as a string (for `--output FILE`).
pub fn json_text(value: &impl Serialize) -> String {
    let mut out = TerminalSafe::new(Vec::new());
    // Writing into memory fails only if the value cannot be serialized (never for our structs).
    let _ = serde_json::to_writer_pretty(&mut out, value);
    let _ = out.flush();
    String::from_utf8(out.into_inner()).unwrap_or_default()
}

pub(super) fn stdout_error(e: io::Error) -> CliError {
    CliError::Io("stdout".into(), e)
}

/// A JSON array written to stdout item by item as the items come, laid out exactly as
/// `serde_json`'s pretty printer lays out a whole array; only one item is in memory at a time.
/// [`JsonArray::member`] writes it as the first member of an object instead.
pub struct JsonArray<W: Write> {
    out: TerminalSafe<W>,
    items: usize,
    /// The item being written, laid out with its indent (one write per item).
    indented: Vec<u8>,
    /// Spaces before the array's closing bracket: none at the top, two as an object's member.
    indent: &'static [u8],
}

impl JsonArray<BufWriter<io::StdoutLock<'static>>> {
    pub fn stdout() -> Self {
        JsonArray::new(BufWriter::new(io::stdout().lock()))
    }

    /// `{"key": [items...], ...}` on stdout: the array streamed, the object closed by
    /// [`JsonArray::finish_member`] (keys in order: `key` sorts before the one written last).
    pub fn stdout_member(key: &str) -> Result<Self> {
        JsonArray::member(BufWriter::new(io::stdout().lock()), key)
    }
}

impl<W: Write> JsonArray<W> {
    pub fn new(out: W) -> Self {
        JsonArray {
            out: TerminalSafe::new(out),
            items: 0,
            indented: Vec::new(),
            indent: b"",
        }
    }

    /// An array that is the first member, `key`, of an object.
    pub fn member(out: W, key: &str) -> Result<Self> {
        let mut array = JsonArray::new(out);
        array.indent = b"  ";
        let key = serde_json::to_string(key).map_err(|e| stdout_error(e.into()))?;
        write!(array.out, "{{\n  {key}: ").map_err(stdout_error)?;
        Ok(array)
    }

    pub fn push(&mut self, value: &impl Serialize) -> Result<()> {
        let lead: &[u8] = if self.items == 0 { b"[\n  " } else { b",\n  " };
        self.items += 1;
        // The item is laid out whole, indented as it is serialized, and written once (a write
        // per line cost a tenth of `list --json`, a copy to indent it afterwards a twentieth).
        self.indented.clear();
        self.indented.extend_from_slice(lead);
        self.indented.extend_from_slice(self.indent);
        let deeper = Deeper {
            base: if self.indent.is_empty() { b"  " } else { b"    " },
            level: 0,
            has_value: false,
        };
        let mut json = serde_json::Serializer::with_formatter(&mut self.indented, deeper);
        value.serialize(&mut json).map_err(|e| stdout_error(e.into()))?;
        self.out.write_safe(&self.indented).map_err(stdout_error)
    }

    fn close(&mut self) -> io::Result<()> {
        if self.items == 0 {
            return self.out.write_all(b"[]");
        }
        self.out.write_all(b"\n")?;
        self.out.write_all(self.indent)?;
        self.out.write_all(b"]")
    }

    /// Closes the array, ends the line and flushes.
    pub fn finish(mut self) -> Result<W> {
        self.close()
            .and_then(|()| self.out.write_all(b"\n"))
            .and_then(|()| self.out.flush())
            .map_err(stdout_error)?;
        Ok(self.out.into_inner())
    }

    /// Closes the array, writes `key: value` as the object's last member, closes the object.
    pub fn finish_member(mut self, key: &str, value: &impl Serialize) -> Result<W> {
        let key = serde_json::to_string(key).map_err(|e| stdout_error(e.into()))?;
        let value = serde_json::to_vec_pretty(value).map_err(|e| stdout_error(e.into()))?;
        self.close()
            .and_then(|()| write!(self.out, ",\n  {key}: "))
            .and_then(|()| write_indented(&mut self.out, &value, b""))
            .and_then(|()| self.out.write_all(b"\n}\n"))
            .and_then(|()| self.out.flush())
            .map_err(stdout_error)?;
        Ok(self.out.into_inner())
    }
}

/// serde_json's pretty layout (two spaces a level) with every line after the first `base`
/// deeper, written straight into the item's buffer (a writer that indented serde_json's output
/// as it came cost a sixth of `list --json`'s JSON).
struct Deeper {
    base: &'static [u8],
    level: usize,
    has_value: bool,
}

impl Deeper {
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(w, b"\n")?;
        }
        w.write_all(bracket)
    }

    fn new_line<W: ?Sized + Write>(&self, w: &mut W, lead: &[u8]) -> io::Result<()> {
        // The indent in one write: most of `list --json`'s bytes are indents.
        const SPACES: &[u8] = &[b' '; 64];
        w.write_all(lead)?;
        match SPACES.get(..self.base.len() + 2 * self.level) {
            Some(spaces) => w.write_all(spaces),
            None => {
                w.write_all(self.base)?;
                (0..self.level).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }
}

impl serde_json::ser::Formatter for Deeper {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.new_line(w, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.new_line(w, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        // Made terminal-safe here, so the item is written past [`TerminalSafe`]'s scan of
        // every byte (indents and keys cannot hold an unsafe character; strings are scanned).
        write_safe_text(w, fragment)
    }
}

/// Pretty JSON one level deeper: strings in JSON hold no raw newline, so every newline is
/// layout; each is followed by two more spaces (and `indent`).
fn write_indented(out: &mut impl Write, json: &[u8], indent: &[u8]) -> io::Result<()> {
    for (i, line) in json.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n  ")?;
            out.write_all(indent)?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

/// A writer for JSON that is also safe on a terminal: serde_json escapes C0 controls but leaves
/// C1 controls (U+009B is a CSI) and bidi overrides raw, so those are written as `\uXXXX` too.
/// The JSON means exactly the same. A character split across two writes is held until whole.
pub struct TerminalSafe<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W) -> Self {
        TerminalSafe {
            inner,
            pending: Vec::new(),
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        write_safe_text(&mut self.inner, text)
    }

    /// Writes JSON whose strings are terminal-safe already ([`Deeper`] escapes them as it lays
    /// them out) past the scan, unless a character cut short is waiting.
    fn write_safe(&mut self, json: &[u8]) -> io::Result<()> {
        if self.pending.is_empty() {
            self.inner.write_all(json)
        } else {
            self.write_all(json)
        }
    }
}

/// `text` with every unsafe character written as `\uXXXX` (in JSON text the same meaning).
fn write_safe_text<W: ?Sized + Write>(w: &mut W, text: &str) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut i = 0;
    // Most bytes (ASCII, Chinese) cannot start an unsafe character: not decoded. The others
    // are where a character starts (continuation bytes never may).
    while let Some(skip) = bytes[i..]
        .iter()
        .position(|b| crate::domain::text::may_start_unsafe(*b))
    {
        i += skip;
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if crate::domain::text::is_unsafe(c) {
            w.write_all(&bytes[from..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(w, "\\u{unit:04x}")?;
            }
            from = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    w.write_all(&bytes[from..])
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Most of a document is printable ASCII: nothing to hold or escape.
        if self.pending.is_empty() {
            if buf.iter().all(|b| matches!(b, b' '..=b'~' | b'\n')) {
                self.inner.write_all(buf)?;
                return Ok(buf.len());
            }
            // Whole characters straight from `buf`; only one cut at the end is held (copying
            // every item with Chinese in it first cost a tenth of `list --json`).
            match std::str::from_utf8(buf) {
                Ok(text) => {
                    self.write_text(text)?;
                    return Ok(buf.len());
                }
                Err(e) if e.error_len().is_none() => {
                    let (valid, tail) = buf.split_at(e.valid_up_to());
                    self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                    self.pending.extend_from_slice(tail);
                    return Ok(buf.len());
                }
                Err(_) => {}
            }
        }
        self.pending.extend_from_slice(buf);
        let mut pending = std::mem::take(&mut self.pending);
        let mut rest: &[u8] = &pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_text(text)?;
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (valid, tail) = rest.split_at(e.valid_up_to());
                    self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                    match e.error_len() {
                        // Not UTF-8 (serde_json never writes that): pass the bytes through.
                        Some(bad) => {
                            self.inner.write_all(&tail[..bad])?;
                            rest = &tail[bad..];
                        }
                        // A character cut short: wait for the rest of it.
                        None => {
                            rest = tail;
                            break;
                        }
                    }
                }
            }
        }
        let keep = rest.len();
        pending.drain(..pending.len() - keep);
        self.pending = pending;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.flush()
    }
}

/// `s` (sanitised) padded to `width` columns when shorter; longer, as it is.
fn padded(s: &str, width: usize) -> String {
    let s = crate::domain::text::sanitize_line(s);
    let room = width.saturating_sub(crate::domain::text::width_of(&s));
    format!("{s}{}", " ".repeat(room))
}

pub fn status_label(s: Status) -> String {
    t!(format!("status.{}", s.slug())).to_string()
}

pub fn state_label(s: ClockState) -> String {
    t!(format!("clock.{}", s.slug())).to_string()
}

/// Local time of the shop, as people there read it.
pub fn local(desk: &Desk, t: DateTime<Utc>) -> String {
    t.with_timezone(&desk.policy().shop_calendar().tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A metric's label from the policy, sanitised (a policy file is text from outside too).
pub fn metric_label(desk: &Desk, metric: &str) -> String {
    crate::words::metric(desk.policy(), metric, crate::words::catalogue::locale())
}

pub fn print_view(v: &TicketView, desk: &Desk) {
    let tk = &v.ticket;
    // "Status: open" / "状态：处理中".
    let sep = t!("cli.label_sep");
    println!("#{}  {}", tk.id, sanitize_line(&tk.title));
    println!(
        "{}{sep}{}   {}{sep}{}   {}{sep}{}   {}{sep}{}   {}{sep}{}   {}",
        t!("col.status"),
        status_label(tk.status),
        t!("col.priority"),
        t!(format!("priority.{}", tk.priority.slug())),
        t!("col.kind"),
        t!(format!("kind.{}", tk.kind.slug())),
        t!("col.complexity"),
        t!(format!("complexity.{}", tk.complexity.slug())),
        t!("col.channel"),
        t!(format!("channel.{}", tk.channel.slug())),
        t!("cli.version_short", n = tk.version)
    );
    let owner = match tk.owner.as_str() {
        "" => t!("owner.nobody").to_string(),
        name => sanitize_line(name),
    };
    println!("{}{sep}{owner}", t!("col.owner"));
    let c = &tk.customer;
    if !(c.name.is_empty() && c.phone.is_empty() && c.email.is_empty()) {
        println!(
            "{}{sep}{}  {}  {}",
            t!("col.customer"),
            sanitize_line(&c.name),
            sanitize_line(&c.phone),
            sanitize_line(&c.email)
        );
    }
    if !tk.reference.is_empty() || tk.purchased_on.is_some() {
        println!(
            "{}{sep}{}   {}{sep}{}",
            t!("col.order"),
            sanitize_line(&tk.reference),
            t!("col.purchased"),
            tk.purchased_on.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    println!(
        "{}{sep}{}   {}{sep}{}",
        t!("col.opened"),
        local(desk, tk.opened_at),
        t!("col.updated"),
        local(desk, tk.updated_at)
    );
    if !tk.description.trim().is_empty() {
        println!();
        println!("{}", sanitize(&tk.description));
    }
    println!();
    println!("{}", t!("cli.clocks"));
    let now = desk.now();
    if v.clocks.is_empty() {
        println!("  {}", t!("cli.no_clocks"));
    }
    // "3d" fits six columns; "3个工作日" and "2个工作小时" need twelve.
    let target_width = crate::words::duration::countdown_width(crate::words::catalogue::locale()) + 1;
    for c in &v.clocks {
        let due = c.due_at.map(|d| local(desk, d)).unwrap_or_default();
        // Running clocks count down to the deadline instant, as on the board; a paused one
        // shows the business time it has left when it resumes.
        let detail = match (c.state, c.met_at, c.due_at) {
            (ClockState::Met, Some(met), _) => t!("cli.met_at", at = local(desk, met)).to_string(),
            (ClockState::Withdrawn, Some(at), _) => t!("cli.withdrawn_at", at = local(desk, at)).to_string(),
            (ClockState::Paused, ..) => t!(
                "cli.paused_left",
                left = crate::words::duration::countdown(c.remaining_secs, crate::words::catalogue::locale())
            )
            .to_string(),
            (_, _, Some(due)) if due < now => t!(
                "cli.late",
                late = crate::words::duration::late((now - due).num_seconds(), crate::words::catalogue::locale())
            )
            .to_string(),
            (_, _, Some(due)) => t!(
                "cli.left",
                left = crate::words::duration::countdown((due - now).num_seconds(), crate::words::catalogue::locale())
            )
            .to_string(),
            _ => String::new(),
        };
        let target = crate::words::duration::metric_target(
            desk.policy(),
            &c.metric,
            &c.target,
            crate::words::catalogue::locale(),
        );
        let cycle = if c.cycle > 1 {
            t!("cli.cycle", n = c.cycle)
        } else {
            String::new()
        };
        println!(
            "  {} {} {} {}  {}",
            fit(&format!("{}{cycle}", metric_label(desk, &c.metric)), 22),
            // Met after its deadline: breached, as the board says (the detail says when met).
            fit(
                &state_label(if c.state == ClockState::Met && c.is_breached() {
                    ClockState::Breached
                } else {
                    c.state
                }),
                10
            ),
            fit(&format!("{} {due}", t!("cli.due")), 22),
            fit(&target, target_width),
            detail
        );
    }
    println!();
    println!("{}", t!("cli.log"));
    for e in &v.log {
        let body = sanitize(&crate::words::events::body(e, crate::words::catalogue::locale()))
            .replace('\n', "\n                                        ");
        println!(
            "  {}  {} {}  {}",
            local(desk, e.at),
            // Padded to its column, never cut: "phone: 170... -> 139..." is what matters.
            padded(
                &crate::words::event(&e.event, desk.policy(), crate::words::catalogue::locale()),
                30
            ),
            fit(&crate::words::author(&e.author, crate::words::catalogue::locale()), 10),
            body
        );
        // An email entry: who wrote it, the subject and the attachments, under it.
        if let Some(mail) = v.mail.iter().find(|m| m.log_id == e.id) {
            for line in crate::words::mail::lines(mail, crate::words::catalogue::locale()) {
                println!("{:40}{line}", "");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, from_str};

    #[test]
    fn a_streamed_array_is_laid_out_as_the_whole_array_would_be() {
        let mut items: Vec<Value> =
            from_str(r#"[{"a": 1, "b": [1, {"c": []}], "d": {}}, "x\ny", [], {"e": {"f": [null, true]}}]"#).unwrap();
        // Deeper than the indents written in one piece; terminal controls in a key and a value.
        items.push((0..40).fold(Value::from(1), |v, _| Value::Array(vec![v])));
        items.push(from_str(r#"{"k\u009b": "a\u009b2J b\u202ec 王 \u0007"}"#).unwrap());
        for n in 0..=items.len() {
            let mut out = JsonArray::new(Vec::new());
            for item in &items[..n] {
                out.push(item).unwrap();
            }
            let streamed = String::from_utf8(out.finish().unwrap()).unwrap();
            // serde_json's pretty layout of the whole, made terminal-safe as every output is.
            let whole = json_text(&&items[..n]);
            assert_eq!(streamed, format!("{whole}\n"));
        }
    }

    #[test]
    fn a_streamed_member_array_is_laid_out_as_the_whole_object_would_be() {
        let items: Vec<Value> = from_str(r#"[{"a": 1, "b": [1, {"c": []}]}, "x", {"e": {"f": [null]}}]"#).unwrap();
        let tail: Value = from_str(r#"{"by": {"k": 2}, "n": [], "t": 3}"#).unwrap();
        for n in 0..=items.len() {
            let mut out = JsonArray::member(Vec::new(), "breaches").unwrap();
            for item in &items[..n] {
                out.push(item).unwrap();
            }
            let streamed = String::from_utf8(out.finish_member("counts", &tail).unwrap()).unwrap();
            let mut whole = serde_json::Map::new();
            whole.insert("breaches".into(), Value::Array(items[..n].to_vec()));
            whole.insert("counts".into(), tail.clone());
            assert_eq!(streamed, format!("{}\n", serde_json::to_string_pretty(&whole).unwrap()));
        }
    }

    #[test]
    fn terminal_controls_are_escaped_even_when_split_across_writes() {
        let text = "{\"t\": \"a\u{9b}2J b\u{202e}c 王\"}";
        let expected = "{\"t\": \"a\\u009b2J b\\u202ec 王\"}";
        let mut whole = TerminalSafe::new(Vec::new());
        whole.write_all(text.as_bytes()).unwrap();
        whole.flush().unwrap();
        assert_eq!(String::from_utf8(whole.into_inner()).unwrap(), expected);
        let mut bytewise = TerminalSafe::new(Vec::new());
        for b in text.as_bytes() {
            bytewise.write_all(std::slice::from_ref(b)).unwrap();
        }
        bytewise.flush().unwrap();
        assert_eq!(String::from_utf8(bytewise.into_inner()).unwrap(), expected);
        assert_eq!(from_str::<Value>(expected).unwrap(), from_str::<Value>(text).unwrap());
    }
}
