//! Forms: moving between fields, submitting the typed command to the desk, and what to tell
//! the agent about it.

use super::{Action, App, Mode, metric_label};
use crate::desk::{Desk, DeskError};
use crate::domain::review::Judgement;
use crate::domain::text::sanitize_line;
use crate::domain::ticket::{Status, Ticket};
use crate::t;
use crate::tui::form::{Command, FieldId, Form, Purpose};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn update_form(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
        let Mode::Form(form) = &mut self.mode else { return };
        match action {
            Action::NextField => form.next(),
            Action::PrevField => form.prev(),
            Action::ChoicePrev => form.cycle(false, KeyEvent::from(KeyCode::Left)),
            Action::ChoiceNext => form.cycle(true, KeyEvent::from(KeyCode::Right)),
            Action::Cancel | Action::Back => self.leave_form(super::Discard::Close, now),
            Action::Submit => {
                // The form reads itself into one typed command, or marks what it cannot read.
                let Ok(command) = form.submit() else {
                    self.tell(t!("form.err_fix", locale = self.lang).to_string(), true, now);
                    return;
                };
                // The server is away: nothing is sent, the form stays as typed.
                if self.refuse_offline(now) {
                    return;
                }
                let Mode::Form(form) = std::mem::replace(&mut self.mode, Mode::Board) else {
                    return;
                };
                self.submit(*form, command, desk, now);
            }
            _ => {}
        }
    }

    /// Leaves a form for the screen it came from: the review queue, the ticket, or the board.
    pub(super) fn close_form(&mut self) {
        self.mode = if self.form_is_judgement() && !self.review.from_ticket {
            Mode::Review
        } else if self.form_is_callback() {
            Mode::Callbacks
        } else if self.ticket.is_some() {
            Mode::Ticket
        } else {
            Mode::Board
        };
    }

    /// Sends `command` (read from `form`) to the desk; on a refusal the form comes back with
    /// what the agent typed.
    pub(super) fn submit(&mut self, form: Form, command: Command, desk: &mut Desk, now: DateTime<Utc>) {
        if let Command::Reply { id, version, text } = &command {
            self.send_reply(form, *id, *version, text, desk, now);
            return;
        }
        let lang = self.lang;
        let judging = matches!(form.purpose, Purpose::Judge { .. });
        let calling = matches!(form.purpose, Purpose::Callback { .. });
        let result = match (&command, self.marked_targets()) {
            (Command::Judge { judgement, .. }, Some(targets)) if judging => {
                super::review::judge_marked(desk, &targets, judgement, lang)
            }
            _ => run(&command, desk, lang),
        };
        match result {
            Ok((_, message)) if calling || (judging && !self.review.from_ticket) => {
                self.review.marked.clear();
                self.mode = if calling { Mode::Callbacks } else { Mode::Review };
                let _ = self.reload(desk);
                self.data_version = desk.data_version().ok();
                self.refresh_live(now, false);
                self.tell(message, false, now);
            }
            Ok((id, message)) => {
                let _ = self.reload(desk);
                self.data_version = desk.data_version().ok();
                self.refresh_live(now, false);
                self.open_ticket(id, desk);
                if let Some(pos) = self
                    .shown
                    .iter()
                    .position(|i| self.source().get(*i).is_some_and(|r| r.id == id))
                {
                    self.selected = pos;
                    self.scroll_into_view();
                }
                self.tell(message, false, now);
            }
            Err(e) if e.stale_ticket().is_some() => {
                let ticket = e.stale_ticket().unwrap_or_default();
                let _ = self.reload(desk);
                self.open_ticket(ticket, desk);
                // Keep what the agent typed: reopen the form against the reloaded version.
                let fresh = self.ticket.as_ref().map(|s| s.view.ticket.clone());
                let mut form = form;
                let kept = fresh.is_some_and(|t| {
                    form.rebase_edit(&t) || form.purpose.rebased(t.version).map(|p| form.purpose = p).is_some()
                });
                if kept {
                    self.mode = Mode::Form(Box::new(form));
                    self.tell(t!("msg.stale_kept", locale = lang, id = ticket).to_string(), true, now);
                } else {
                    self.tell(t!("msg.stale", locale = lang, id = ticket).to_string(), true, now);
                }
            }
            Err(DeskError::Invalid(bad))
                if FieldId::from_desk(bad.field).is_some_and(|id| form.field(id).is_some()) =>
            {
                let mut form = form;
                if let Some(id) = FieldId::from_desk(bad.field) {
                    form.refuse(id, sanitize_line(&crate::words::errors::reason(&bad.reason, lang)));
                }
                self.mode = Mode::Form(Box::new(form));
                self.tell(
                    t!(
                        "msg.refused",
                        locale = lang,
                        reason = sanitize_line(&crate::words::errors::invalid(&bad, lang))
                    )
                    .to_string(),
                    true,
                    now,
                );
            }
            Err(e) if e.connection_lost() => self.keep_offline(form, &e, now),
            Err(e) => {
                let id = form.purpose.ticket().unwrap_or(0);
                let text = self.error_text(&e, id);
                let mut form = form;
                // A name the desk refused is the name field's problem: the cursor goes back there.
                if matches!(e, DeskError::UnknownAgent { .. } | DeskError::AlreadyOwner { .. }) {
                    form.refuse(FieldId::To, text.clone());
                }
                self.mode = Mode::Form(Box::new(form));
                self.tell(text, true, now);
            }
        }
    }

    /// Sends a reply through `[mail] sendmail` and logs it once the command took it. A failure
    /// is a notice with the form kept as typed; a stale ticket keeps it against the new version.
    fn send_reply(&mut self, form: Form, id: i64, version: i64, text: &str, desk: &mut Desk, now: DateTime<Utc>) {
        use crate::app::reply::{self, MailError};
        let lang = self.lang;
        let sent = reply::compose(desk, &self.mail, id, Some(version), text)
            .and_then(|draft| reply::send(desk, &self.mail, &draft).map(|_| draft));
        match sent {
            Ok(draft) => {
                let _ = self.reload(desk);
                self.data_version = desk.data_version().ok();
                self.refresh_live(now, false);
                self.open_ticket(id, desk);
                let to = sanitize_line(&draft.reply.to.label());
                self.tell(
                    t!("reply.sent_board", locale = lang, id = id, to = to).to_string(),
                    false,
                    now,
                );
            }
            Err(crate::app::Error::Desk(e)) if e.stale_ticket().is_some() => {
                let _ = self.reload(desk);
                self.open_ticket(id, desk);
                let mut form = form;
                let fresh = self.ticket.as_ref().map(|s| s.view.ticket.version);
                if let Some(p) = fresh.and_then(|v| form.purpose.rebased(v)) {
                    form.purpose = p;
                }
                self.mode = Mode::Form(Box::new(form));
                self.tell(t!("msg.stale_kept", locale = lang, id = id).to_string(), true, now);
            }
            // Lost while composing, before anything was sent: the form stays. Lost after the
            // mail went out is `NotRecorded` below (sending again would send twice).
            Err(crate::app::Error::Desk(e)) if e.connection_lost() => self.keep_offline(form, &e, now),
            Err(e) => {
                let text = sanitize_line(&crate::words::app::error_labelled(&e, desk.policy(), lang));
                // Sent but not logged: the form is done (sending again would send twice).
                if matches!(e, crate::app::Error::Mail(MailError::NotRecorded { .. })) {
                    let _ = self.reload(desk);
                    self.open_ticket(id, desk);
                } else {
                    self.mode = Mode::Form(Box::new(form));
                }
                self.tell(text, true, now);
            }
        }
    }

    pub(super) fn error_text(&self, e: &DeskError, id: i64) -> String {
        match e {
            DeskError::NotFound(id) => t!("msg.not_found", locale = self.lang, id = id).to_string(),
            e if e.stale_ticket().is_some() => t!("msg.stale", locale = self.lang, id = id).to_string(),
            other => t!(
                "msg.refused",
                locale = self.lang,
                reason = sanitize_line(&crate::words::errors::desk_labelled(other, &self.policy, self.lang))
            )
            .to_string(),
        }
    }
}

/// Sends a command to the desk; returns the ticket touched and what to tell the agent.
fn run(command: &Command, desk: &mut Desk, lang: &str) -> Result<(i64, String), DeskError> {
    let edited = |t: Ticket| (t.id, t!("msg.edited", locale = lang, id = t.id).to_string());
    match command {
        Command::Open(new) => {
            let ticket = desk.open_ticket(new, None)?;
            Ok((ticket.id, t!("msg.created", locale = lang, id = ticket.id).to_string()))
        }
        Command::FollowUp {
            id,
            version,
            kind,
            text,
        } => {
            let ticket = desk.follow_up(*id, Some(*version), kind.clone(), text)?;
            Ok((ticket.id, t!("msg.logged", locale = lang, id = ticket.id).to_string()))
        }
        Command::Move { id, version, to, note } => {
            let ticket = desk.change_status(*id, Some(*version), *to, note)?;
            Ok(moved(&ticket, lang))
        }
        Command::Close {
            id,
            version,
            confirmation,
            note,
        } => {
            let ticket = desk.close(*id, Some(*version), confirmation, note)?;
            Ok(moved(&ticket, lang))
        }
        Command::Edit { id, version, edits } => desk.edit(*id, Some(*version), edits).map(edited),
        Command::Transfer {
            id,
            version,
            to,
            reason,
        } => {
            let ticket = desk.transfer(*id, Some(*version), to, reason)?;
            let owner = sanitize_line(&ticket.owner);
            let text = t!("msg.transferred", locale = lang, id = ticket.id, owner = owner);
            Ok((ticket.id, text.to_string()))
        }
        Command::Unchanged { id } => Ok((*id, t!("msg.nothing_changed", locale = lang).to_string())),
        Command::Extend {
            id,
            version,
            metric,
            by,
            reason,
        } => {
            let ticket = desk.extend(*id, Some(*version), metric, by, reason)?;
            let label = metric_label(desk.policy(), metric, lang);
            let text = t!(
                "msg.extended",
                locale = lang,
                id = ticket.id,
                metric = label,
                by = crate::words::explain::target(by, lang)
            );
            Ok((ticket.id, text.to_string()))
        }
        Command::Judge {
            id,
            metric,
            cycle,
            amend,
            judgement,
        } => {
            if *amend && same_judgement(desk, *id, metric, *cycle, judgement)? {
                return Ok((*id, t!("msg.nothing_changed", locale = lang).to_string()));
            }
            let (review, key) = if *amend {
                (desk.amend(*id, metric, Some(*cycle), judgement)?, "review.amended")
            } else {
                (desk.judge(*id, metric, Some(*cycle), judgement)?, "review.judged")
            };
            let amount = review.judgement.amount.map(|a| format!(" {a}")).unwrap_or_default();
            let text = t!(
                key,
                locale = lang,
                metric = metric_label(desk.policy(), metric, lang),
                cycle = review.cycle,
                id = review.ticket_id,
                class = crate::words::word("review.class", review.judgement.class.slug(), lang),
                remedy = format!(
                    "{}{amount}",
                    crate::words::word("review.remedy", review.judgement.remedy.slug(), lang)
                )
            );
            Ok((*id, text.to_string()))
        }
        // Sent by `App::send_reply`, never here.
        Command::Reply { id, .. } => Ok((*id, String::new())),
        Command::Callback { id, outcome } => {
            let cb = desk.record_callback(*id, outcome)?;
            let text = t!(
                "callback.recorded",
                locale = lang,
                id = id,
                month = cb.month.to_string()
            );
            Ok((*id, text.to_string()))
        }
    }
}

/// Whether an amendment would write what the breach's judgement already says (as the desk
/// stores it: reason and note trimmed): saved unchanged, it writes nothing.
fn same_judgement(desk: &Desk, id: i64, metric: &str, cycle: u32, new: &Judgement) -> Result<bool, DeskError> {
    let trimmed = Judgement {
        reason: new.reason.trim().to_string(),
        note: new.note.trim().to_string(),
        ..new.clone()
    };
    Ok(desk
        .reviews_of(id)?
        .iter()
        .any(|r| r.metric == metric && r.cycle == cycle && r.judgement == trimmed))
}

fn moved(ticket: &Ticket, lang: &str) -> (i64, String) {
    let status: Status = ticket.status;
    let status = t!(format!("status.{}", status.slug()), locale = lang).to_string();
    (
        ticket.id,
        t!("msg.status", locale = lang, id = ticket.id, status = status).to_string(),
    )
}
