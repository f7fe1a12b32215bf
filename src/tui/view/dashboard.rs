//! The dashboard (D): a week's service figures, compliance per clock against the letters'
//! 80% and 50% lines (or, `b`, broken down by kind, priority or channel), and the 30-day
//! compliance and breach-count trends as bar charts.

use super::board::{hints, status_line};
use crate::domain::kpi::{BreakdownCell, Compliance, Dimension, Facet, Level};
use crate::domain::text::fit;
use crate::t;
use crate::tui::app::{App, DashboardScreen};
use crate::tui::keymap::{Action, Context};
use crate::tui::theme::Theme;
use crate::words::metric as metric_label;
use chrono::{DateTime, Datelike, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, now: DateTime<Utc>, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let w = area.width;
    let line = |y: u16| Rect::new(area.x, area.y + y, w, 1);
    let keys = hints(
        app,
        Context::Dashboard,
        &[
            Action::Breakdown,
            Action::PrevPeriod,
            Action::NextPeriod,
            Action::Review,
            Action::Back,
            Action::Help,
        ],
        w.saturating_sub(2),
    );
    status_line(app, now, keys, None, line(area.height - 1), frame);
    let Some(d) = &app.dashboard else { return };
    let running = if d.today <= d.period.last {
        t!("tui.dash_so_far_note", locale = lang)
    } else {
        String::new()
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", t!("tui.dash_title", locale = lang)), theme.header()),
        Span::raw(format!(
            " {}{running}",
            t!(
                "tui.dash_week",
                locale = lang,
                from = d.period.first.to_string(),
                to = d.period.last.to_string()
            )
        )),
    ]);
    frame.render_widget(Paragraph::new(title), line(0));

    let body = Rect::new(area.x, area.y + 1, w, area.height.saturating_sub(2));
    let figures = figure_lines(d, lang);
    let (compliance, compliance_title) = match app.breakdown {
        Some(dim) => (
            breakdown_lines(app, d.kpis.breakdowns.by(dim), dim, w),
            t!(
                "tui.dash_breakdown",
                locale = lang,
                dim = t!(format!("report.dim.{}", dim.slug()), locale = lang)
            )
            .to_string(),
        ),
        None => (
            compliance_lines(app, d),
            t!("report.compliance", locale = lang).to_string(),
        ),
    };
    let top_h = (figures.len().max(compliance.len()) as u16 + 2).min(body.height);
    let figures_w = figures.iter().map(Line::width).max().unwrap_or(0) as u16 + 2;
    let compliance_w = compliance.iter().map(Line::width).max().unwrap_or(0) as u16;
    let (fig_area, comp_area) = if w >= figures_w + compliance_w {
        let left = figures_w;
        (
            Rect::new(body.x, body.y, left, top_h),
            Rect::new(body.x + left, body.y, w - left, top_h),
        )
    } else {
        let mut fh = (figures.len() as u16 + 2).min(body.height);
        let ch = compliance.len() as u16 + 2;
        // Asked for a breakdown on a short screen: it takes the figures' place.
        if app.breakdown.is_some() && fh + ch > body.height {
            fh = 0;
        }
        let ch = ch.min(body.height - fh);
        (Rect::new(body.x, body.y, w, fh), Rect::new(body.x, body.y + fh, w, ch))
    };
    let boxed = |title: String| {
        Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(title, theme.header()))
    };
    frame.render_widget(
        Paragraph::new(figures).block(boxed(t!("report.figures", locale = lang).to_string())),
        fig_area,
    );
    frame.render_widget(Paragraph::new(compliance).block(boxed(compliance_title)), comp_area);
    let used = fig_area.bottom().max(comp_area.bottom());
    let trend_area = Rect::new(body.x, used, w, body.bottom().saturating_sub(used));
    if trend_area.height >= 4 {
        render_trends(app, d, trend_area, frame);
    }
}

fn figure_lines(d: &DashboardScreen, lang: &str) -> Vec<Line<'static>> {
    let k = &d.kpis;
    let l = |key: &str| t!(format!("report.{key}"), locale = lang).to_string();
    let secs = |s: Option<i64>| s.map_or_else(|| "—".to_string(), |s| crate::words::explain::duration(s, lang));
    let rows = [
        (l("opened"), k.opened.to_string()),
        (l("resolved"), k.resolved.to_string()),
        (l("closed"), k.closed.to_string()),
        (l("reopened"), k.reopened.to_string()),
        (l("resolution_rate"), percent(k.resolution_rate())),
        (
            l("first_response"),
            t!(
                "tui.dash_first_response",
                locale = lang,
                median = secs(k.first_response.median_secs),
                p90 = secs(k.first_response.p90_secs),
                count = k.first_response.count,
                pending = k.first_response.pending
            )
            .to_string(),
        ),
        (
            l("breaches"),
            t!(
                "report.breaches_value",
                locale = lang,
                total = k.breaches.total,
                minor = k.breaches.minor,
                major = k.breaches.major,
                unjudged = k.breaches.unjudged
            )
            .to_string(),
        ),
        (
            l("satisfaction"),
            match k.satisfaction_average {
                Some(avg) => t!(
                    crate::words::counted("tui.dash_satisfaction", k.satisfaction_count),
                    locale = lang,
                    average = format!("{avg:.2}"),
                    count = k.satisfaction_count
                )
                .to_string(),
                None => "—".to_string(),
            },
        ),
        (
            l("callbacks"),
            t!(
                "report.callbacks_value",
                locale = lang,
                done = k.callbacks_done,
                planned = k.callbacks_planned,
                attempted = k.callbacks_attempted
            )
            .to_string(),
        ),
    ];
    let label_w = rows.iter().map(|(l, _)| l.width()).max().unwrap_or(0) + 2;
    rows.into_iter()
        .map(|(label, value)| Line::from(format!(" {}{value}", fit(&label, label_w))))
        .collect()
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
}

fn level_colour(theme: &Theme, level: Option<Level>) -> Color {
    match level {
        Some(Level::Acceptable) => theme.ok,
        Some(Level::Minor) => theme.warning,
        Some(Level::Major) => theme.breached,
        None => theme.muted,
    }
}

fn compliance_lines(app: &App, d: &DashboardScreen) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = &app.theme;
    let overall = Compliance {
        metric: t!("report.overall", locale = lang).to_string(),
        ..d.kpis.overall()
    };
    let mut rows: Vec<(String, &Compliance)> = d
        .kpis
        .compliance
        .iter()
        .map(|c| (metric_label(&app.policy, &c.metric, lang), c))
        .collect();
    rows.push((overall.metric.clone(), &overall));
    let label_w = rows.iter().map(|(l, _)| l.width()).max().unwrap_or(0).min(20) + 2;
    rows.into_iter()
        .map(|(label, c)| {
            let level = c.level();
            let level_text = level
                .map(|l| t!(format!("tui.level_{}", l.slug()), locale = lang).to_string())
                .unwrap_or_default();
            Line::from(vec![
                Span::raw(format!(" {}", fit(&label, label_w))),
                Span::raw(format!("{:>4}/{:<4} ", c.met, c.due)),
                Span::styled(
                    format!("{:>7}  ", percent(c.percent())),
                    Style::default()
                        .fg(level_colour(theme, level))
                        .add_modifier(Modifier::BOLD),
                ),
                Span::styled(level_text, Style::default().fg(level_colour(theme, level))),
            ])
        })
        .collect()
}

/// The breakdown as a table: a row per value of `dim`, a column per metric; each cell the
/// percent met on time (coloured by level) and the breaches, "·" where nothing was due.
fn breakdown_lines(app: &App, cells: &[BreakdownCell], dim: Dimension, width: u16) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = &app.theme;
    let mut metrics: Vec<&str> = Vec::new();
    let mut facets: Vec<Facet> = Vec::new();
    for c in cells {
        if !metrics.contains(&c.compliance.metric.as_str()) {
            metrics.push(&c.compliance.metric);
        }
        if !facets.contains(&c.facet) {
            facets.push(c.facet.clone());
        }
    }
    facets.sort();
    if cells.is_empty() {
        return vec![Line::styled(
            format!(" {}", t!("report.nothing_due", locale = lang)),
            theme.muted(),
        )];
    }
    let value_label = |f: &Facet| crate::words::facet(f, lang);
    let head = t!(format!("report.dim.{}", dim.slug()), locale = lang).to_string();
    let label_w = facets
        .iter()
        .map(|f| value_label(f).width())
        .chain([head.width()])
        .max()
        .unwrap_or(0)
        .min(14)
        + 1;
    let labels: Vec<String> = metrics.iter().map(|m| metric_label(&app.policy, m, lang)).collect();
    // A cell is "100% 12": the metric's label above it, cut to the cell; cells narrow (to 9)
    // so every metric fits the width.
    let room = (usize::from(width).saturating_sub(label_w + 2) / labels.len().max(1)).saturating_sub(1);
    let col_w = labels
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(0)
        .clamp(9, 14)
        .min(room.max(9));
    let mut header = vec![Span::styled(format!(" {}", fit(&head, label_w)), theme.muted())];
    for l in &labels {
        header.push(Span::styled(format!(" {}", fit(l, col_w)), theme.muted()));
    }
    let mut lines = vec![Line::from(header)];
    for f in facets {
        let mut spans = vec![Span::raw(format!(" {}", fit(&value_label(&f), label_w)))];
        for m in &metrics {
            let cell = cells.iter().find(|c| c.facet == f && c.compliance.metric == *m);
            match cell {
                Some(c) => {
                    let level = c.compliance.level();
                    let p = c
                        .compliance
                        .percent()
                        .map_or_else(|| "—".into(), |p| format!("{p:.0}%"));
                    let breaches = c.breaches.total;
                    let breach_style = if breaches > 0 {
                        Style::default().fg(theme.breached)
                    } else {
                        theme.muted()
                    };
                    let b = breaches.to_string();
                    let pad = col_w.saturating_sub(5 + b.width());
                    spans.push(Span::styled(
                        format!(" {p:>5}"),
                        Style::default().fg(level_colour(theme, level)),
                    ));
                    spans.push(Span::styled(format!("{}{b}", " ".repeat(pad.max(1))), breach_style));
                }
                None => spans.push(Span::styled(
                    format!(" {:>5}{}", "·", " ".repeat(col_w - 5)),
                    theme.muted(),
                )),
            }
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// The compliance trend and, beside it (or under it, sharing its day axis), the breaches per
/// day: side by side when each half gives every day two columns.
fn render_trends(app: &App, d: &DashboardScreen, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let n = d.trend.len().max(1) as u16;
    let most = d.trend.iter().map(|(_, c)| c.missed()).max().unwrap_or(0);
    let trend = t!("report.trend", locale = lang);
    // The legend in full where it fits the title's width, else the colours only, else none.
    let title_w = usize::from(if area.width / 2 >= 2 * n + 2 {
        area.width / 2
    } else {
        area.width
    });
    let compliance_title = ["tui.dash_legend", "tui.dash_legend_short"]
        .iter()
        .map(|key| format!("{trend} · {}", t!(*key, locale = lang)))
        .find(|title| title.width() <= title_w.saturating_sub(1))
        .unwrap_or_else(|| trend.to_string());
    let breach_title = t!("tui.dash_breach_trend", locale = lang, most = most).to_string();
    let titled = |title: String| {
        Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(title, theme.header()))
    };
    let compliance: Vec<Bar> = d.trend.iter().map(|(_, c)| compliance_bar(theme, c)).collect();
    let breaches: Vec<Bar> = d.trend.iter().map(|(_, c)| breach_bar(theme, c, most)).collect();
    let half = area.width / 2;
    if half >= 2 * n + 2 {
        for (i, (title, bars)) in [(compliance_title, compliance), (breach_title, breaches)]
            .into_iter()
            .enumerate()
        {
            let part = Rect::new(area.x + half * i as u16, area.y, half, area.height);
            let block = titled(title);
            let inner = block.inner(part);
            frame.render_widget(block, part);
            let plot = Rect::new(inner.x, inner.y, inner.width, inner.height.saturating_sub(1));
            draw_bars(&bars, plot, frame);
            day_axis(app, d, Rect::new(inner.x, plot.bottom(), inner.width, 1), frame);
        }
        return;
    }
    // Stacked: the compliance bars, the day axis, then the breaches (at least a row).
    if area.height < 5 {
        let block = titled(compliance_title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let plot = Rect::new(inner.x, inner.y, inner.width, inner.height.saturating_sub(1));
        draw_bars(&compliance, plot, frame);
        day_axis(app, d, Rect::new(inner.x, plot.bottom(), inner.width, 1), frame);
        return;
    }
    let rows = area.height - 3;
    let breach_rows = (rows / 3).max(1);
    let top = Rect::new(area.x, area.y, area.width, rows - breach_rows + 2);
    let block = titled(compliance_title);
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let plot = Rect::new(inner.x, inner.y, inner.width, inner.height.saturating_sub(1));
    draw_bars(&compliance, plot, frame);
    day_axis(app, d, Rect::new(inner.x, plot.bottom(), inner.width, 1), frame);
    let bottom = Rect::new(area.x, top.bottom(), area.width, area.bottom() - top.bottom());
    let block = titled(breach_title);
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    draw_bars(&breaches, inner, frame);
}

/// One day's column: a height from 0 to 1, its colour, and the mark drawn at the base instead
/// when the bar is empty (a day with nothing due is "·", a 0% day a red "▁").
struct Bar {
    height: f64,
    style: Style,
    base: Option<char>,
}

fn compliance_bar(theme: &Theme, c: &Compliance) -> Bar {
    let colour = level_colour(theme, c.level());
    match c.percent() {
        None => Bar {
            height: 0.0,
            style: theme.muted(),
            base: Some('·'),
        },
        Some(p) if p <= 0.0 => Bar {
            height: 0.0,
            style: Style::default().fg(colour),
            base: Some('▁'),
        },
        Some(p) => Bar {
            height: p / 100.0,
            style: Style::default().fg(colour),
            base: None,
        },
    }
}

fn breach_bar(theme: &Theme, c: &Compliance, most: usize) -> Bar {
    let style = Style::default().fg(theme.breached);
    if c.due == 0 {
        return Bar {
            height: 0.0,
            style: theme.muted(),
            base: Some('·'),
        };
    }
    Bar {
        height: if most == 0 {
            0.0
        } else {
            c.missed() as f64 / most as f64
        },
        style,
        base: None,
    }
}

/// Where day `i` of `n` starts and how wide its bar is: as wide as the days fit, with a
/// one-column gap when there is room for it (the same for every chart, so axes line up).
fn column(i: usize, n: usize, width: u16) -> (u16, u16) {
    let step = (width.saturating_sub(1) / n.max(1) as u16).max(1);
    let bar = if step > 1 { step - 1 } else { 1 };
    (1 + step * i as u16, bar)
}

fn draw_bars(bars: &[Bar], area: Rect, frame: &mut Frame) {
    const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if area.height == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for (i, b) in bars.iter().enumerate() {
        let (dx, w) = column(i, bars.len(), area.width);
        // At least an eighth for any bar above zero, so a small value is never nothing.
        let mut eighths = (b.height * f64::from(area.height) * 8.0).round() as u16;
        if b.height > 0.0 {
            eighths = eighths.max(1);
        }
        for x in area.x + dx..(area.x + dx + w).min(area.right()) {
            if let Some(mark) = b.base.filter(|_| eighths == 0) {
                // One mark a day, under the bar's first column.
                if x == area.x + dx {
                    buf[(x, area.bottom() - 1)].set_char(mark).set_style(b.style);
                }
                continue;
            }
            for row in 0..area.height {
                let filled = eighths.saturating_sub(row * 8).min(8);
                if filled == 0 {
                    break;
                }
                buf[(x, area.bottom() - 1 - row)]
                    .set_char(EIGHTHS[filled as usize])
                    .set_style(b.style);
            }
        }
    }
}

/// The day of the month under every fifth bar, the 1st and the last; muted where nothing was
/// due, red where nothing was met.
fn day_axis(app: &App, d: &DashboardScreen, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let n = d.trend.len();
    // (x, day, style, whether it must stay): the first and last day and a month's 1st come
    // first; a fifth day that would touch one of them (30 beside a 1) is left out.
    let mut marks = Vec::new();
    for (i, (day, c)) in d.trend.iter().enumerate() {
        let must = i == 0 || day.day() == 1 || i + 1 == n;
        if !(must || i % 5 == 0) {
            continue;
        }
        let (dx, _) = column(i, n, area.width);
        let style = if c.due == 0 {
            theme.muted()
        } else {
            Style::default().fg(level_colour(theme, c.level()))
        };
        marks.push((area.x + dx, day.day().to_string(), style, must));
    }
    marks.sort_by_key(|m| !m.3);
    let mut placed: Vec<(u16, u16)> = Vec::new();
    let buf = frame.buffer_mut();
    for (x, text, style, _) in marks {
        let end = x + text.len() as u16;
        // A column of space between two numbers, and inside the axis.
        if end > area.right() || placed.iter().any(|(a, b)| x <= *b && *a <= end) {
            continue;
        }
        placed.push((x, end));
        buf.set_string(x, area.y, text, style);
    }
}
