//! Colours of the board by role. `[theme]` in the config overrides roles; `NO_COLOR` gives a
//! monochrome theme whose colours are all `Reset` (states then read from their marks, the
//! selection from its `>` marker).

use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeMap;
use std::str::FromStr;

use crate::domain::text::sanitize_line;
use crate::t;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub ok: Color,
    pub warning: Color,
    pub breached: Color,
    pub paused: Color,
    pub header: Color,
    pub accent: Color,
    pub muted: Color,
    pub error: Color,
    pub selected_bg: Color,
    pub flash_bg: Color,
    pub monochrome: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            ok: Color::Green,
            warning: Color::Yellow,
            breached: Color::LightRed,
            paused: Color::Blue,
            header: Color::Cyan,
            accent: Color::Cyan,
            muted: Color::DarkGray,
            error: Color::LightRed,
            selected_bg: Color::Indexed(237),
            flash_bg: Color::Magenta,
            monochrome: false,
        }
    }
}

impl Theme {
    /// Every colour `Reset`: for `NO_COLOR` and terminals without colour.
    pub fn monochrome() -> Theme {
        Theme {
            ok: Color::Reset,
            warning: Color::Reset,
            breached: Color::Reset,
            paused: Color::Reset,
            header: Color::Reset,
            accent: Color::Reset,
            muted: Color::Reset,
            error: Color::Reset,
            selected_bg: Color::Reset,
            flash_bg: Color::Reset,
            monochrome: true,
        }
    }

    /// The theme for this environment: monochrome when `no_color`, else the defaults with the
    /// config's roles applied. Returns the problems found with the overrides.
    pub fn from_config(overrides: &BTreeMap<String, String>, no_color: bool, lang: &str) -> (Theme, Vec<String>) {
        if no_color {
            return (Theme::monochrome(), Vec::new());
        }
        let mut theme = Theme::default();
        let mut problems = Vec::new();
        for (role, value) in overrides {
            let Ok(color) = Color::from_str(value.trim()) else {
                let (role, value) = (sanitize_line(role), sanitize_line(value));
                problems.push(t!("tui.config.not_a_colour", locale = lang, role = role, value = value).to_string());
                continue;
            };
            let slot = match role.as_str() {
                "ok" => &mut theme.ok,
                "warning" => &mut theme.warning,
                "breached" => &mut theme.breached,
                "paused" => &mut theme.paused,
                "header" => &mut theme.header,
                "accent" => &mut theme.accent,
                "muted" => &mut theme.muted,
                "error" => &mut theme.error,
                "selected" => &mut theme.selected_bg,
                "flash" => &mut theme.flash_bg,
                _ => {
                    let role = sanitize_line(role);
                    problems.push(t!("tui.config.unknown_role", locale = lang, role = role).to_string());
                    continue;
                }
            };
            *slot = color;
        }
        (theme, problems)
    }

    pub fn selected(&self) -> Style {
        if self.monochrome {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default().bg(self.selected_bg).add_modifier(Modifier::BOLD)
        }
    }

    pub fn flash(&self) -> Style {
        if self.monochrome {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().bg(self.flash_bg)
        }
    }

    pub fn header(&self) -> Style {
        Style::default().fg(self.header).add_modifier(Modifier::BOLD)
    }

    pub fn muted(&self) -> Style {
        Style::default().fg(self.muted)
    }

    pub fn error(&self) -> Style {
        Style::default().fg(self.error).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_resets_every_colour() {
        let t = Theme::monochrome();
        for c in [
            t.ok, t.warning, t.breached, t.paused, t.header, t.accent, t.muted, t.error,
        ] {
            assert_eq!(c, Color::Reset);
        }
        let (t, _) = Theme::from_config(&BTreeMap::new(), true, "en");
        assert!(t.monochrome);
    }

    #[test]
    fn roles_take_names_and_hex() {
        let mut o = BTreeMap::new();
        o.insert("breached".to_string(), "#ff0000".to_string());
        o.insert("warning".to_string(), "magenta".to_string());
        o.insert("sky".to_string(), "blue".to_string());
        o.insert("ok".to_string(), "not-a-colour".to_string());
        let (t, problems) = Theme::from_config(&o, false, "en");
        assert_eq!(t.breached, Color::Rgb(255, 0, 0));
        assert_eq!(t.warning, Color::Magenta);
        assert_eq!(problems.len(), 2);
    }
}
