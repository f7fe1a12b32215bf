//! The one sanitiser for untrusted text (titles, names, notes, imported data) on its way to a
//! terminal, in the TUI and the CLI alike. Escape sequences could recolour or rewrite the
//! screen and bidi overrides could disguise what a line says, so each becomes a visible
//! placeholder instead of being dropped silently.

/// Makes `s` safe to print: newlines stay, tabs become a space, every other C0 control and DEL
/// becomes its Unicode control picture (ESC -> ␛), C1 controls and bidi overrides become
/// `[U+XXXX]`.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_safe(&mut out, c, false);
    }
    out
}

/// Like [`sanitize`], for one-line places (table cells, headers): newlines become `⏎`.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_safe(&mut out, c, true);
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
        '\u{80}'..='\u{9f}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{061c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => out.push_str(&format!("[U+{:04X}]", c as u32)),
        _ => out.push(c),
    }
}

/// True for characters [`sanitize`] never lets through.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(sanitize("a\u{1b}[31mred"), "a␛[31mred");
        assert_eq!(sanitize("x\u{9b}y"), "x[U+009B]y");
        assert_eq!(sanitize("abc\u{202e}def"), "abc[U+202E]def");
        assert_eq!(sanitize("a\r\nb\tc"), "a␍\nb c");
        assert_eq!(sanitize_line("a\nb"), "a⏎b");
        assert_eq!(sanitize("王小明 ok"), "王小明 ok");
    }

    proptest! {
        #[test]
        fn sanitised_text_has_no_control_but_newline(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_unsafe), "{out:?}");
            let line = sanitize_line(&s);
            prop_assert!(!line.chars().any(|c| is_unsafe(c) || c == '\n'), "{line:?}");
        }
    }
}
