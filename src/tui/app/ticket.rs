//! The ticket screen: opening a ticket, scrolling its log, and the forms it opens.

use super::{Action, App, Form, Mode, metric_label};
use crate::app::attachments::Saved;
use crate::desk::Desk;
use crate::domain::review::BreachClass;
use crate::domain::text::sanitize_line;
use crate::t;

impl App {
    /// Opens the ticket screen on `id`.
    pub fn open_ticket(&mut self, id: i64, desk: &Desk) {
        match desk.live_ticket(id) {
            Ok(live) => {
                self.ticket = None;
                self.set_ticket(live);
                self.mode = Mode::Ticket;
            }
            Err(e) if self.went_offline(&e, desk.now()) => {}
            Err(e) => {
                let text = self.error_text(&e, id);
                self.tell(text, true, desk.now());
            }
        }
    }

    pub(super) fn update_ticket(&mut self, action: Action, desk: &mut Desk) {
        let Some(screen) = self.ticket.as_mut() else {
            self.mode = Mode::Board;
            return;
        };
        let lang = self.lang;
        let ticket = &screen.view.ticket;
        let form =
            match action {
                Action::Back | Action::Quit => {
                    self.ticket = None;
                    if std::mem::take(&mut self.back_to_review) {
                        self.open_review(desk);
                    } else {
                        self.mode = Mode::Board;
                    }
                    return;
                }
                Action::JudgeMinor | Action::JudgeMajor => {
                    let class = if action == Action::JudgeMajor {
                        BreachClass::Major
                    } else {
                        BreachClass::Minor
                    };
                    let id = ticket.id;
                    self.judge_from_ticket(id, class, desk);
                    return;
                }
                Action::Amend => {
                    let id = ticket.id;
                    self.amend_from_ticket(id, desk);
                    return;
                }
                Action::SaveAttachments => {
                    let id = ticket.id;
                    self.save_attachments(id, desk);
                    return;
                }
                // The log scrolls from its newest end: `scroll` counts lines back in time.
                Action::Up => {
                    screen.scroll = screen.scroll.saturating_add(1);
                    return;
                }
                Action::Down => {
                    screen.scroll = screen.scroll.saturating_sub(1);
                    return;
                }
                Action::PageUp => {
                    screen.scroll = screen.scroll.saturating_add(10);
                    return;
                }
                Action::PageDown => {
                    screen.scroll = screen.scroll.saturating_sub(10);
                    return;
                }
                Action::Top => {
                    screen.scroll = u16::MAX / 2;
                    return;
                }
                Action::Bottom => {
                    screen.scroll = 0;
                    return;
                }
                Action::New => Form::new_ticket(lang),
                Action::Log => Form::log(ticket, lang),
                Action::Reply => {
                    // Refused before the agent types: no From, no command, no customer email.
                    let heading = crate::app::reply::heading(desk, &self.mail, ticket.id, Some(ticket.version))
                        .and_then(|h| match self.mail.command() {
                            Some(_) => Ok(h),
                            None => Err(crate::app::Error::Mail(crate::app::reply::MailError::NoSendmail)),
                        });
                    match heading {
                        Ok(h) => Form::reply(ticket, &h.to.label(), &h.subject, lang),
                        Err(e) => {
                            let why = crate::words::app::error_labelled(&e, desk.policy(), lang);
                            let text = crate::t!("reply.unavailable", locale = lang, id = ticket.id, why = why);
                            self.tell(text.to_string(), true, desk.now());
                            return;
                        }
                    }
                }
                Action::Status => Form::status(ticket, lang),
                Action::Priority => Form::priority(ticket, lang),
                Action::Kind => Form::kind(ticket, lang),
                Action::Extend => {
                    let metrics = screen
                        .view
                        .clocks
                        .iter()
                        // Only clocks the policy lets the agent extend for this ticket's kind, and not
                        // once breached: a breach is judged, not extended away.
                        .filter(|c| c.met_at.is_none() && !c.is_breached())
                        .filter(|c| {
                            desk.policy()
                                .metric(&c.metric)
                                .is_some_and(|m| m.max_extension_for(ticket.kind).is_some())
                        })
                        .map(|c| (c.metric.clone(), metric_label(desk.policy(), &c.metric, lang)))
                        .collect::<Vec<_>>();
                    // Nothing to extend: said at once, rather than a form with an empty choice.
                    if metrics.is_empty() {
                        let text = crate::t!("msg.nothing_to_extend", locale = lang, id = ticket.id).to_string();
                        // A clock that runs but may not be extended is named, not denied.
                        let text = may_not_extend(&screen.view.clocks, ticket.id, desk.policy(), lang).unwrap_or(text);
                        self.tell(text, true, desk.now());
                        return;
                    }
                    Form::extend(ticket, metrics, lang)
                }
                Action::Edit => Form::edit(ticket, lang),
                Action::Transfer => Form::transfer(ticket, lang),
                _ => return,
            };
        let mut form = form;
        form.today = Some(desk.today());
        self.mode = Mode::Form(Box::new(form));
    }

    /// `A`: the attachments of the ticket's mail saved into the downloads folder from the
    /// messages the database keeps (as `promptly attachments --save`), told in the status line.
    fn save_attachments(&mut self, id: i64, desk: &Desk) {
        let now = desk.now();
        let lang = self.lang;
        let Some(dir) = self.downloads.clone() else {
            return self.tell(t!("msg.no_downloads", locale = lang).to_string(), true, now);
        };
        let done = match crate::app::attachments::save(desk, id, None, &dir) {
            Ok(done) => done,
            Err(crate::app::Error::Desk(e)) => return self.tell_db_error(&e, now),
            Err(e) => return self.tell(crate::words::app::error(&e, lang), true, now),
        };
        let shown_dir = sanitize_line(&dir.display().to_string());
        let (mut saved, mut failed) = (Vec::new(), Vec::new());
        for outcome in done {
            match outcome {
                Saved::File { path, .. } => saved.push(sanitize_line(
                    &path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )),
                Saved::Missing { name } => failed.push(sanitize_line(&name)),
                Saved::Failed { name, error } => {
                    failed.push(format!("{} ({})", sanitize_line(&name), sanitize_line(&error)))
                }
            }
        }
        let sep = t!("maillog.list_sep", locale = lang).to_string();
        let text = match (saved.len(), failed.len()) {
            (0, 0) => t!("msg.no_attachments", locale = lang, id = id),
            (_, 0) => t!(
                "msg.attachments_saved",
                locale = lang,
                id = id,
                dir = shown_dir,
                names = saved.join(&sep)
            ),
            _ => t!(
                "msg.attachments_some_failed",
                locale = lang,
                id = id,
                dir = shown_dir,
                names = saved.join(&sep),
                failed = failed.join(&sep)
            ),
        };
        self.tell(text.to_string(), !failed.is_empty(), now);
    }
}

/// "Its running clocks (…) may not be extended", when clocks run; `None` when none does.
fn may_not_extend(
    clocks: &[crate::domain::sla::ClockReading],
    id: i64,
    policy: &crate::domain::policy::Policy,
    lang: &str,
) -> Option<String> {
    let running: Vec<String> = clocks
        .iter()
        .filter(|c| c.met_at.is_none() && !c.is_withdrawn())
        .map(|c| metric_label(policy, &c.metric, lang).to_string())
        .collect();
    let metrics = running.join(&crate::t!("maillog.list_sep", locale = lang));
    (!running.is_empty())
        .then(|| crate::t!("msg.not_extendable", locale = lang, id = id, metrics = metrics).to_string())
}
