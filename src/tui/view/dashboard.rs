//! The dashboard (D): a week's service figures, compliance per clock against the letters'
//! 80% and 50% lines, and the 30-day compliance trend as a bar chart.

use super::board::{hints, status_line};
use crate::domain::kpi::{Compliance, Level};
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
use ratatui::widgets::{Bar, BarChart, Block, Borders, Paragraph};
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
    let compliance = compliance_lines(app, d);
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
        let fh = (figures.len() as u16 + 2).min(body.height);
        let ch = (compliance.len() as u16 + 2).min(body.height - fh);
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
    frame.render_widget(
        Paragraph::new(compliance).block(boxed(t!("report.compliance", locale = lang).to_string())),
        comp_area,
    );
    let used = fig_area.bottom().max(comp_area.bottom());
    let trend_area = Rect::new(body.x, used, w, body.bottom().saturating_sub(used));
    if trend_area.height >= 4 {
        render_trend(app, d, trend_area, frame);
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
                    "report.satisfaction_value",
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

fn render_trend(app: &App, d: &DashboardScreen, area: Rect, frame: &mut Frame) {
    let theme = &app.theme;
    let lang = app.lang;
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        format!(
            "{} · {}",
            t!("report.trend", locale = lang),
            t!("tui.dash_legend", locale = lang)
        ),
        theme.header(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let n = d.trend.len().max(1) as u16;
    // As wide as the days fit, with a one-column gap when there is room for it.
    let (bar_width, gap) = match inner.width.saturating_sub(1) / n {
        0 | 1 => (1, 0),
        room => (room - 1, 1),
    };
    let bars: Vec<Bar> = d
        .trend
        .iter()
        .map(|(day, c)| {
            let level = c.level();
            let colour = level_colour(theme, level);
            let label_style = if c.due == 0 {
                theme.muted()
            } else {
                Style::default().fg(colour)
            };
            let value = c.percent().map_or(0, |p| p.round() as u64);
            Bar::default()
                .value(value)
                .text_value(value.to_string())
                .label(Line::styled(format!("{:>2}", day.day()), label_style))
                .style(Style::default().fg(colour))
                .value_style(Style::default().add_modifier(Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .data(ratatui::widgets::BarGroup::default().bars(&bars))
        .max(100)
        .bar_width(bar_width)
        .bar_gap(gap);
    frame.render_widget(
        chart,
        Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(1), inner.height),
    );
}
