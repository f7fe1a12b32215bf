//! A one-line text field (form lines and the board's filter) on the same editor as the
//! multi-line fields (ratatui-textarea), held to one line: Enter is the form's, never a newline.
//! Keys: characters, Backspace/Delete, Left/Right, Home/End, Ctrl-A/E, Ctrl-W/U/K, Alt-B/F.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, Default)]
pub struct LineInput {
    area: Box<TextArea<'static>>,
}

impl LineInput {
    /// A field holding `value` (line breaks become spaces), the cursor at its end.
    pub fn new(value: &str) -> LineInput {
        let one = value.replace(['\r', '\n'], " ");
        let mut area = TextArea::new(vec![one]);
        area.move_cursor(CursorMove::End);
        LineInput { area: Box::new(area) }
    }

    pub fn value(&self) -> &str {
        self.area.lines().first().map_or("", String::as_str)
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.area.cursor().1
    }

    /// The cursor, in display columns from the start.
    pub fn visual_cursor(&self) -> usize {
        self.value()
            .chars()
            .take(self.cursor())
            .map(|c| c.width().unwrap_or(0))
            .sum()
    }

    /// Columns scrolled off the left so the cursor stays inside a box `width` columns wide;
    /// whole graphemes only (half a flag would show as a stray letter).
    pub fn visual_scroll(&self, width: usize) -> usize {
        use unicode_segmentation::UnicodeSegmentation;
        let scroll = self.visual_cursor().max(width) - width;
        let mut skipped = 0;
        let mut graphemes = self.value().graphemes(true);
        while skipped < scroll {
            match graphemes.next() {
                Some(g) => skipped += unicode_width::UnicodeWidthStr::width(g),
                None => break,
            }
        }
        skipped
    }

    /// Inserts `text` (one line: the caller turned its breaks into spaces) at the cursor.
    pub fn insert(&mut self, text: &str) -> bool {
        !text.is_empty() && self.area.insert_str(text.replace(['\r', '\n'], " "))
    }

    /// An editing key: `None` when it is not one, else whether the text changed.
    pub fn handle(&mut self, key: &KeyEvent) -> Option<bool> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        // A flag or an emoji sequence is several characters and one glyph: it goes whole.
        let (before, after) = graphemes_around(self.value(), self.cursor());
        let a = self.area.as_mut();
        let moved = |a: &mut TextArea<'static>, m: CursorMove| {
            a.move_cursor(m);
            false
        };
        Some(match key.code {
            KeyCode::Char('a') if ctrl => moved(a, CursorMove::Head),
            KeyCode::Char('e') if ctrl => moved(a, CursorMove::End),
            KeyCode::Char('w') if ctrl => a.delete_word(),
            KeyCode::Char('u') if ctrl => a.delete_line_by_head(),
            KeyCode::Char('k') if ctrl => a.delete_line_by_end(),
            KeyCode::Char('b') if alt => moved(a, CursorMove::WordBack),
            KeyCode::Char('f') if alt => moved(a, CursorMove::WordForward),
            KeyCode::Char(c) if !ctrl && !alt && c != '\n' && c != '\r' => {
                a.insert_char(c);
                true
            }
            // Only within the line: at its start Backspace would join nothing, but keep it so.
            KeyCode::Backspace => (0..before).fold(false, |done, _| a.delete_char() | done),
            KeyCode::Delete => (0..after).fold(false, |done, _| a.delete_next_char() | done),
            KeyCode::Left => (0..before).fold(false, |_, _| moved(a, CursorMove::Back)),
            KeyCode::Right => (0..after).fold(false, |_, _| moved(a, CursorMove::Forward)),
            KeyCode::Home => moved(a, CursorMove::Head),
            KeyCode::End => moved(a, CursorMove::End),
            _ => return None,
        })
    }
}

/// How many characters the grapheme before and the one after the cursor (in characters) hold;
/// 0 at either end of the line.
pub(super) fn graphemes_around(line: &str, cursor: usize) -> (usize, usize) {
    use unicode_segmentation::UnicodeSegmentation;
    let at = line.char_indices().nth(cursor).map_or(line.len(), |(i, _)| i);
    let count = |g: Option<&str>| g.map_or(0, |g| g.chars().count());
    (
        count(line[..at].graphemes(true).next_back()),
        count(line[at..].graphemes(true).next()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::from(code)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn edits_one_line() {
        let mut l = LineInput::new("hello world");
        assert_eq!(l.cursor(), 11);
        assert_eq!(l.handle(&ctrl('w')), Some(true));
        assert_eq!(l.value(), "hello ");
        l.handle(&key(KeyCode::Home));
        l.handle(&key(KeyCode::Char('>')));
        assert_eq!(l.value(), ">hello ");
        l.handle(&key(KeyCode::End));
        l.handle(&key(KeyCode::Left));
        l.handle(&ctrl('u'));
        assert_eq!(l.value(), " ");
        assert_eq!(l.handle(&key(KeyCode::Enter)), None);
        assert_eq!(l.value(), " ");
        l.handle(&key(KeyCode::Backspace));
        l.handle(&key(KeyCode::Backspace));
        assert_eq!(l.value(), " ");
        assert_eq!(LineInput::new("a\nb").value(), "a b");
    }

    #[test]
    fn scrolls_by_display_width() {
        let l = LineInput::new("工单工单");
        assert_eq!(l.visual_cursor(), 8);
        assert_eq!(l.visual_scroll(5), 4);
        assert_eq!(l.visual_scroll(10), 0);
        // A flag is deleted and stepped over whole.
        let mut f = LineInput::new("a🇨🇳");
        f.handle(&key(KeyCode::Backspace));
        assert_eq!(f.value(), "a");
        let mut f = LineInput::new("🇨🇳b");
        f.handle(&key(KeyCode::Home));
        f.handle(&key(KeyCode::Right));
        assert_eq!(f.cursor(), 2);
        f.handle(&key(KeyCode::Delete));
        assert_eq!(f.value(), "🇨🇳");
        // A flag scrolls off whole.
        let l = LineInput::new("🇨🇳🇨🇳ab");
        assert_eq!(l.visual_scroll(3), 4);
    }
}
