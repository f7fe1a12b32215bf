//! The ticket screen: clocks with due times in shop local time and live remaining time, the
//! details, and the follow-up log as a timeline. All stored text is sanitised here.

use super::board::hints;
use crate::domain::log::Event;
use crate::domain::policy::Policy;
use crate::domain::sla::ClockState;
use crate::domain::text::{fit, sanitize, sanitize_line, wrap};
use crate::t;
use crate::tui::app::{App, Live, TicketScreen};
use crate::tui::keymap::{Action, Context};
use crate::words::metric as metric_label;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, screen: &TicketScreen, policy: &Policy, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let tz = policy.shop_calendar().tz();
    let tk = &screen.view.ticket;
    let l = |key: &str| t!(key, locale = lang).to_string();

    // Title line.
    let title = Line::from(vec![
        Span::styled(format!(" #{} ", tk.id), theme.header()),
        Span::styled(sanitize_line(&tk.title), Style::default().add_modifier(Modifier::BOLD)),
        Span::styled(
            format!(
                "  {} · {} · {} · {}",
                t!(format!("status.{}", tk.status.slug()), locale = lang),
                t!(format!("priority.{}", tk.priority.slug()), locale = lang),
                t!(format!("kind.{}", tk.kind.slug()), locale = lang),
                t!(format!("complexity.{}", tk.complexity.slug()), locale = lang),
            ),
            theme.muted(),
        ),
    ]);
    frame.render_widget(Paragraph::new(title), Rect::new(area.x, area.y, area.width, 1));

    // Clocks.
    let clocks = &screen.view.clocks;
    let mut lines = Vec::new();
    if clocks.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" {}", l("tui.no_clocks")),
            theme.muted(),
        )));
    } else {
        // After a reopen a metric runs again: each cycle says which it is.
        let label = |c: &crate::domain::sla::Clock| {
            let name = metric_label(policy, &c.metric, lang);
            if clocks.iter().filter(|o| o.metric == c.metric).count() > 1 {
                t!("tui.cycle", locale = lang, metric = name, n = c.cycle).to_string()
            } else {
                name.to_string()
            }
        };
        let label_w = clocks
            .iter()
            .map(|c| label(c).width())
            .max()
            .unwrap_or(0)
            .max(l("tui.metric").width())
            + 2;
        // "2h" fits eight columns; "2个工作小时" needs twelve.
        let target_w = clocks
            .iter()
            .map(|c| crate::words::duration::metric_target(policy, &c.metric, &c.target, lang).width() + 2)
            .max()
            .unwrap_or(0)
            .max(8);
        // The "left" column as wide as what it holds here: a met time, else a countdown.
        let stamp = "2026-01-01 00:00";
        let left_w = clocks
            .iter()
            .map(|c| match c.state {
                ClockState::Met | ClockState::Withdrawn => t!("tui.met_at", locale = lang, at = stamp)
                    .width()
                    .max(t!("tui.withdrawn_at", locale = lang, at = stamp).width()),
                _ => crate::words::duration::countdown_width(lang) + 2,
            })
            .max()
            .unwrap_or(0)
            .max(l("tui.left").width())
            .min(LEFT_W - 2)
            + 2;
        lines.push(
            Line::from(format!(
                " {}{}{}{}{}",
                fit(&l("tui.metric"), label_w),
                fit(&l("tui.target"), target_w),
                fit(&l("tui.due"), DUE_W),
                fit(&l("tui.left"), left_w),
                l("tui.state")
            ))
            .style(theme.muted()),
        );
        for (i, c) in clocks.iter().enumerate() {
            let warn = screen.warn_from.get(i).copied().flatten();
            let live = match c.state {
                ClockState::Met | ClockState::Withdrawn => Live::None,
                _ if c.paused => Live::Paused,
                _ => match c.due_at {
                    Some(d) if d <= now => Live::Breached,
                    Some(_) if warn.is_some_and(|w| w <= now) => Live::Warning,
                    Some(_) => Live::Ok,
                    None => Live::Paused,
                },
            };
            let (left, state_key) = match live {
                Live::None => (
                    c.met_at.map(|m| local(m, tz)).unwrap_or_default(),
                    if c.is_breached() { ClockState::Breached } else { c.state },
                ),
                Live::Paused => (
                    format!("‖ {}", crate::words::duration::countdown(c.remaining_secs, lang)),
                    ClockState::Paused,
                ),
                Live::Breached => (
                    c.due_at
                        .map(|d| crate::words::duration::countdown((d - now).num_seconds(), lang))
                        .unwrap_or_default(),
                    ClockState::Breached,
                ),
                Live::Warning => (
                    c.due_at
                        .map(|d| crate::words::duration::countdown((d - now).num_seconds(), lang))
                        .unwrap_or_default(),
                    ClockState::Warning,
                ),
                Live::Ok => (
                    c.due_at
                        .map(|d| crate::words::duration::countdown((d - now).num_seconds(), lang))
                        .unwrap_or_default(),
                    ClockState::Running,
                ),
            };
            let colour = match (live, state_key) {
                (Live::Paused, _) => theme.paused,
                (Live::Warning, _) => theme.warning,
                (_, ClockState::Breached) => theme.breached,
                (Live::Ok, _) => theme.ok,
                _ => theme.muted,
            };
            let due = match (c.paused, c.due_at) {
                (true, _) | (_, None) => "—".to_string(),
                (false, Some(d)) => local(d, tz),
            };
            let mut state = if live == Live::Paused {
                // The time left is frozen business time, not the wall-clock time shown running
                // (on a 7x24 calendar the two are one).
                let round = policy.calendar(&c.calendar).is_some_and(|c| c.is_round_the_clock());
                let key = if round {
                    "tui.paused_left"
                } else {
                    "tui.paused_business"
                };
                t!(key, locale = lang).to_string()
            } else {
                t!(format!("clock.{}", state_key.slug()), locale = lang).to_string()
            };
            if !c.extended.is_empty() {
                state.push_str(&crate::words::aside(
                    &t!(
                        "tui.extended",
                        locale = lang,
                        by = crate::words::explain::target_text(&c.extended, lang)
                    ),
                    lang,
                ));
            }
            let left_text = if live == Live::None && c.is_withdrawn() {
                t!("tui.withdrawn_at", locale = lang, at = left).to_string()
            } else if live == Live::None {
                t!("tui.met_at", locale = lang, at = left).to_string()
            } else {
                left.clone()
            };
            // Too narrow for "met at ..." whole: the time alone (the state says met or withdrawn).
            let left_text = if left_text.width() + 1 > left_w {
                left
            } else {
                left_text
            };
            // A state wider than what is left of the line goes under the "left" column.
            let before_left = 1 + label_w + target_w + DUE_W;
            let room = usize::from(area.width).saturating_sub(before_left + left_w);
            let state_below = (state.width() > room).then(|| std::mem::take(&mut state));
            lines.push(Line::from(vec![
                Span::raw(format!(
                    " {}{}{}",
                    fit(&label(c), label_w),
                    fit(
                        &crate::words::duration::metric_target(policy, &c.metric, &c.target, lang),
                        target_w
                    ),
                    fit(&due, DUE_W)
                )),
                Span::styled(
                    fit(&left_text, left_w),
                    Style::default().fg(colour).add_modifier(Modifier::BOLD),
                ),
                Span::styled(state, Style::default().fg(colour)),
            ]));
            if let Some(state) = state_below {
                let room = usize::from(area.width).saturating_sub(before_left).max(1);
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(before_left.min(usize::from(area.width).saturating_sub(room)))),
                    Span::styled(fit(&state, room.min(state.width())), Style::default().fg(colour)),
                ]));
            }
            if c.is_breached() {
                lines.push(judgement_line(screen, c, tz, theme, lang));
            }
        }
    }
    // Each breach has a line of its own under its clock (its judgement, or that it awaits
    // one), a state too wide for its column one too.
    let clock_h = (lines.len() as u16 + 2 + u16::from(clocks.is_empty())).min(area.height.saturating_sub(3));
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(l("tui.clocks"), theme.header()));
    let clock_area = Rect::new(area.x, area.y + 1, area.width, clock_h);
    let inner = block.inner(clock_area);
    frame.render_widget(block, clock_area);
    frame.render_widget(Paragraph::new(lines), inner);

    // Details.
    let y = clock_area.y + clock_area.height;
    let rest = (area.y + area.height).saturating_sub(y + 1);
    let mut details = vec![
        kv(
            &[
                (l("col.customer"), sanitize_line(&tk.customer.name)),
                (l("tui.phone"), sanitize_line(&tk.customer.phone)),
                (l("tui.email"), sanitize_line(&tk.customer.email)),
            ],
            theme,
            lang,
        ),
        kv(
            &[
                // First: the line has room for a name at 80 columns.
                (
                    l("col.owner"),
                    match tk.owner.as_str() {
                        "" => l("owner.nobody"),
                        name => sanitize_line(name),
                    },
                ),
                (
                    l("col.channel"),
                    t!(format!("channel.{}", tk.channel.slug()), locale = lang).to_string(),
                ),
                (l("col.order"), sanitize_line(&tk.reference)),
                (
                    l("col.purchased"),
                    tk.purchased_on.map(|d| d.to_string()).unwrap_or_default(),
                ),
            ],
            theme,
            lang,
        ),
        kv(
            &[
                (l("col.opened"), local(tk.opened_at, tz)),
                (l("col.updated"), local(tk.updated_at, tz)),
                (l("tui.version"), tk.version.to_string()),
            ],
            theme,
            lang,
        ),
    ];
    if !tk.description.trim().is_empty() {
        let first = sanitize_line(tk.description.lines().next().unwrap_or(""));
        let more = if tk.description.lines().count() > 1 { " …" } else { "" };
        let label = format!(" {}{}", l("tui.description"), t!("cli.label_sep", locale = lang));
        // Cut whole with a mark: the full text heads the log below.
        let room = (area.width as usize).saturating_sub(label.width());
        let shown = fit(&format!("{first}{more}"), room);
        details.push(Line::from(vec![
            Span::styled(label, theme.muted()),
            Span::raw(shown.trim_end().to_string()),
        ]));
    }
    let details_h = (details.len() as u16 + 1).min(rest);
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(l("tui.details"), theme.header()));
    let details_area = Rect::new(area.x, y, area.width, details_h);
    let inner = block.inner(details_area);
    frame.render_widget(block, details_area);
    frame.render_widget(Paragraph::new(details), inner);

    // The log.
    let y = y + details_h;
    let log_h = (area.y + area.height).saturating_sub(y + 1);
    if log_h > 0 {
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(l("tui.log"), theme.header()));
        let log_area = Rect::new(area.x, y, area.width, log_h);
        let inner = block.inner(log_area);
        frame.render_widget(block, log_area);
        let mut lines = Vec::new();
        let body_w = (inner.width as usize).saturating_sub(5).max(1);
        // The whole description heads the timeline (the details show its first line): the
        // log opens on its newest end, and scrolling back reaches the description.
        let description = sanitize(tk.description.trim_end());
        if !description.trim().is_empty() {
            lines.push(Line::from(Span::styled(
                format!(" {}", l("tui.description")),
                Style::default().add_modifier(Modifier::BOLD),
            )));
            for piece in wrap(&description, body_w) {
                lines.push(Line::from(vec![Span::styled("   │ ", theme.muted()), Span::raw(piece)]));
            }
        }
        if screen.view.log.is_empty() {
            lines.push(Line::from(Span::styled(format!(" {}", l("tui.no_log")), theme.muted())));
        }
        for entry in &screen.view.log {
            lines.push(Line::from(vec![
                Span::styled(format!(" {} ", local(entry.at, tz)), theme.muted()),
                Span::styled(
                    format!("{} ", crate::words::author(&entry.author, lang)),
                    Style::default().fg(theme.accent),
                ),
                Span::styled(
                    crate::words::event(&entry.event, policy, lang),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
            ]));
            // An email: who wrote it, the subject and the attachments, before the text.
            if let Some(mail) = screen.view.mail.iter().find(|m| m.log_id == entry.id) {
                for line in crate::words::mail::lines(mail, lang) {
                    for piece in wrap(&line, body_w) {
                        lines.push(Line::from(vec![
                            Span::styled("   │ ", theme.muted()),
                            Span::styled(piece, theme.muted()),
                        ]));
                    }
                }
            }
            let body = sanitize(&crate::words::events::body(entry, lang));
            if !body.is_empty() {
                for piece in wrap(&body, body_w) {
                    lines.push(Line::from(vec![Span::styled("   │ ", theme.muted()), Span::raw(piece)]));
                }
            }
        }
        // Newest at the bottom and in view; `screen.scroll` goes back in time from there.
        let total = lines.len() as u16;
        let bottom = total.saturating_sub(inner.height);
        let scroll = bottom - screen.scroll.min(bottom);
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
    }

    // Status line.
    let status = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    // The same status line as the board's: the notice, else the key hints (no row position).
    // A ticket with breaches: judging and amending come before the everyday actions.
    let unjudged = clocks.iter().any(|c| {
        c.is_breached()
            && !screen.imported.iter().any(|(m, n)| *m == c.metric && *n == c.cycle)
            && !screen
                .reviews
                .iter()
                .any(|r| r.metric == c.metric && r.cycle == c.cycle)
    });
    let mut actions = vec![Action::Help, Action::Back];
    if unjudged {
        actions.extend([Action::JudgeMinor, Action::JudgeMajor]);
    }
    if !screen.reviews.is_empty() {
        actions.push(Action::Amend);
    }
    if screen.view.mail.iter().any(|m| !m.attachments.is_empty()) {
        actions.push(Action::SaveAttachments);
    }
    actions.extend([
        Action::Log,
        Action::Reply,
        Action::Status,
        Action::Priority,
        Action::Kind,
        Action::Extend,
        Action::Edit,
    ]);
    let hints = hints(app, Context::Ticket, &actions, area.width);
    super::board::status_line(app, now, hints, None, status, frame);
}

/// "└ judged: minor breach, apology (lead 11-23 10:00), amended" under a breached clock, or
/// "└ awaiting judgement", or "└ imported with its history" for a breach from before its import.
fn judgement_line(
    screen: &TicketScreen,
    c: &crate::domain::sla::ClockReading,
    tz: Tz,
    theme: &crate::tui::theme::Theme,
    lang: &'static str,
) -> Line<'static> {
    let review = screen
        .reviews
        .iter()
        .find(|r| r.metric == c.metric && r.cycle == c.cycle);
    let lead = "  └ ".to_string();
    let Some(r) = review else {
        if screen.imported.iter().any(|(m, n)| *m == c.metric && *n == c.cycle) {
            let text = t!("tui.breach_imported", locale = lang).to_string();
            return Line::from(vec![
                Span::styled(lead, theme.muted()),
                Span::styled(text, theme.muted()),
            ]);
        }
        return Line::from(vec![
            Span::styled(lead, theme.muted()),
            Span::styled(
                t!("tui.breach_unjudged", locale = lang).to_string(),
                Style::default().fg(theme.breached),
            ),
        ]);
    };
    let j = &r.judgement;
    let amount = j.amount.map(|a| format!(" {a}")).unwrap_or_default();
    let mut text = t!(
        "tui.breach_judged",
        locale = lang,
        class = crate::words::word("review.class", j.class.slug(), lang),
        remedy = format!("{}{amount}", crate::words::word("review.remedy", j.remedy.slug(), lang)),
        by = sanitize_line(&crate::words::author(&r.judged_by, lang)),
        at = local(r.judged_at, tz)
    )
    .to_string();
    // The log keeps every judgement of the breach: more than one means it was amended.
    let judgements = screen
        .view
        .log
        .iter()
        .filter(|e| matches!(&e.event, Event::Judged { metric, cycle, .. } if *metric == c.metric && *cycle == c.cycle))
        .count();
    if judgements > 1 {
        text.push_str(&t!("tui.breach_amended", locale = lang));
    }
    Line::from(vec![Span::styled(lead, theme.muted()), Span::raw(text)])
}

fn kv(pairs: &[(String, String)], theme: &crate::tui::theme::Theme, lang: &str) -> Line<'static> {
    let mut spans = Vec::new();
    let sep = t!("cli.label_sep", locale = lang);
    for (k, v) in pairs {
        spans.push(Span::styled(format!(" {k}{sep}"), theme.muted()));
        spans.push(Span::raw(format!("{}   ", if v.is_empty() { "—" } else { v })));
    }
    Line::from(spans)
}

/// The clock table's "left" column at most: "met 2026-10-26 03:23" in either language (it is
/// as wide as the ticket's clocks need, so the state has room at 80 columns).
const LEFT_W: usize = 24;

/// The clock table's due column: "2026-10-26 03:23" and a gap.
const DUE_W: usize = 18;

/// Local time of the shop, as people there read it.
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}
