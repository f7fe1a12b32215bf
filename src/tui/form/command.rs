//! Reading a form back: each form gives ONE typed command, the same values the CLI builds for
//! the desk. Every field is read by its [`FieldId`]; one that cannot be read (an unknown choice,
//! a bad date, amount or duration) is a [`Problem`] on that field, never a default.

use super::reader::Reader;
use super::{FieldId, Form, Purpose};
use crate::desk::{Edit, FollowUp};
use crate::domain::callback::CallOutcome;
use crate::domain::log::{ContactMethod, Direction};
use crate::domain::review::{Amount, BreachClass, Judgement, Remedy};
use crate::domain::target::Target;
use crate::domain::text::sanitize;
use crate::domain::ticket::{Channel, Complexity, Customer, Kind, NewTicket, Priority, Status};
use crate::t;
use std::str::FromStr;

/// What a submitted form asks of the desk.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Open(NewTicket),
    FollowUp {
        id: i64,
        version: i64,
        kind: FollowUp,
        text: String,
    },
    Move {
        id: i64,
        version: i64,
        to: Status,
        note: String,
    },
    /// Closing: the customer's confirmation is required.
    Close {
        id: i64,
        version: i64,
        confirmation: String,
        note: String,
    },
    Edit {
        id: i64,
        version: i64,
        edits: Vec<Edit>,
    },
    /// The edit form saved as it was opened: nothing to send.
    Unchanged {
        id: i64,
    },
    Extend {
        id: i64,
        version: i64,
        metric: String,
        by: Target,
        reason: String,
    },
    Judge {
        id: i64,
        metric: String,
        cycle: u32,
        /// Supersedes the judgement the breach has (both stay in the log).
        amend: bool,
        judgement: Judgement,
    },
    Callback {
        id: i64,
        outcome: CallOutcome,
    },
    /// A reply by email: sent through `[mail] sendmail`, then logged.
    Reply {
        id: i64,
        version: i64,
        text: String,
    },
    /// Passing the ticket to `to`, for `reason` (转派).
    Transfer {
        id: i64,
        version: i64,
        to: String,
        reason: String,
    },
}

/// Why a field cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    TitleEmpty,
    TitleLong,
    Email,
    Phone,
    Date,
    /// A date shaped right that is no day of the calendar.
    NoSuchDay,
    DateFuture,
    DateOld,
    Duration,
    /// The extension's reason.
    Reason,
    /// A transfer without the agent it goes to, or without its reason.
    Owner,
    TransferReason,
    NoClock,
    Text,
    Confirmation,
    Summary,
    JudgeReason,
    Amount,
    /// Digits, but more than an amount holds, or more than two decimals (fen).
    AmountLarge,
    AmountDecimals,
    /// A choice whose value is none of the options the command knows.
    Choice,
}

impl Problem {
    pub fn text(self, lang: &str) -> String {
        let key = match self {
            Problem::TitleEmpty => "err_title_empty",
            Problem::TitleLong => "err_title_long",
            Problem::Email => "err_email",
            Problem::Phone => "err_phone",
            Problem::Date => "err_date",
            Problem::NoSuchDay => "err_no_such_day",
            Problem::DateFuture => "err_date_future",
            Problem::DateOld => "err_date_old",
            Problem::Duration => "err_duration",
            Problem::Reason => "err_reason",
            Problem::Owner => "err_owner",
            Problem::TransferReason => "err_transfer_reason",
            Problem::NoClock => "err_no_clock",
            Problem::Text => "err_text",
            Problem::Confirmation => "err_confirmation",
            Problem::Summary => "err_summary",
            Problem::JudgeReason => "err_judge_reason",
            Problem::Amount => "err_amount",
            Problem::AmountLarge => "err_amount_large",
            Problem::AmountDecimals => "err_amount_decimals",
            Problem::Choice => "err_choice",
        };
        t!(format!("form.{key}"), locale = lang).to_string()
    }
}

/// The kinds of follow-up the log form offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Note,
    Contact,
    Plan,
}

impl FromStr for Entry {
    type Err = ();
    fn from_str(s: &str) -> Result<Entry, ()> {
        match s {
            "note" => Ok(Entry::Note),
            "contact" => Ok(Entry::Contact),
            "plan" => Ok(Entry::Plan),
            _ => Err(()),
        }
    }
}

impl Form {
    /// The command this form asks for, or every field that cannot be read.
    pub fn command(&self) -> Result<Command, Vec<(FieldId, Problem)>> {
        let mut r = Reader {
            form: self,
            problems: Vec::new(),
        };
        let command = match &self.purpose {
            Purpose::NewTicket => new_ticket(&mut r),
            Purpose::Log { id, version } => {
                let entry = r.slug::<Entry>(FieldId::Entry);
                let kind = match entry {
                    Some(Entry::Contact) => {
                        let method = r.slug::<ContactMethod>(FieldId::Method);
                        let direction = r.slug::<Direction>(FieldId::Direction);
                        method
                            .zip(direction)
                            .map(|(method, direction)| FollowUp::Contact { method, direction })
                    }
                    Some(Entry::Plan) => Some(FollowUp::Plan),
                    Some(Entry::Note) => Some(FollowUp::Note),
                    None => None,
                };
                let text = r.required(FieldId::Text, Problem::Text);
                kind.map(|kind| Command::FollowUp {
                    id: *id,
                    version: *version,
                    kind,
                    text,
                })
            }
            Purpose::Reply { id, version } => {
                let text = r.required(FieldId::Text, Problem::Text);
                Some(Command::Reply {
                    id: *id,
                    version: *version,
                    text,
                })
            }
            Purpose::Status { id, version } => {
                let to = r.slug::<Status>(FieldId::To);
                let (id, version) = (*id, *version);
                match to {
                    Some(Status::Closed) => {
                        let confirmation = r.required(FieldId::Confirmation, Problem::Confirmation);
                        let note = r.text(FieldId::Note);
                        Some(Command::Close {
                            id,
                            version,
                            confirmation,
                            note,
                        })
                    }
                    Some(to) => {
                        let note = if to == Status::Resolved {
                            r.required(FieldId::Note, Problem::Summary)
                        } else {
                            r.text(FieldId::Note)
                        };
                        Some(Command::Move { id, version, to, note })
                    }
                    None => None,
                }
            }
            Purpose::Priority { id, version } => r.slug::<Priority>(FieldId::Priority).map(|p| Command::Edit {
                id: *id,
                version: *version,
                edits: vec![Edit::Priority(p)],
            }),
            Purpose::Kind { id, version } => {
                // Unchanged values are skipped by the desk; nothing changed at all is refused there.
                let kind = r.slug::<Kind>(FieldId::Kind);
                let complexity = r.slug::<Complexity>(FieldId::Complexity);
                kind.zip(complexity).map(|(k, c)| Command::Edit {
                    id: *id,
                    version: *version,
                    edits: vec![Edit::Kind(k), Edit::Complexity(c)],
                })
            }
            Purpose::Transfer { id, version } => {
                let to = r.required(FieldId::To, Problem::Owner);
                let reason = r.required(FieldId::Reason, Problem::TransferReason);
                Some(Command::Transfer {
                    id: *id,
                    version: *version,
                    to: to.trim().to_string(),
                    reason,
                })
            }
            Purpose::Extend { id, version } => {
                let metric = r.required(FieldId::Metric, Problem::NoClock);
                let by = r.value(FieldId::By).trim().parse::<Target>();
                if by.is_err() {
                    r.fail(FieldId::By, Problem::Duration);
                }
                let reason = r.required(FieldId::Reason, Problem::Reason);
                by.ok().map(|by| Command::Extend {
                    id: *id,
                    version: *version,
                    metric,
                    by,
                    reason,
                })
            }
            Purpose::Judge {
                id,
                metric,
                cycle,
                amending,
            } => judge(&mut r, *id, (metric.as_str(), *cycle), !amending.is_empty()),
            Purpose::Callback { id } => {
                let reached = r.choice(FieldId::Reached, crate::domain::callback::parse_reached);
                // "—" is no score; a score is asked only when the customer was reached.
                let score = match r.text(FieldId::Score).as_str() {
                    _ if reached != Some(true) => Some(None),
                    "" => Some(None),
                    s => s.parse::<u8>().ok().filter(|s| (1..=5).contains(s)).map(Some),
                };
                if score.is_none() {
                    r.fail(FieldId::Score, Problem::Choice);
                }
                reached.zip(score).map(|(reached, score)| Command::Callback {
                    id: *id,
                    outcome: CallOutcome {
                        reached,
                        score,
                        comment: r.text(FieldId::Note),
                    },
                })
            }
            Purpose::Edit { ticket } => edit(&mut r, ticket),
        };
        r.done(command)
    }
}

fn new_ticket(r: &mut Reader) -> Option<Command> {
    let title = r.title();
    let (phone, email) = r.contact();
    let channel = r.slug::<Channel>(FieldId::Channel);
    let kind = r.slug::<Kind>(FieldId::Kind);
    let priority = r.slug::<Priority>(FieldId::Priority);
    let complexity = r.slug::<Complexity>(FieldId::Complexity);
    let purchased_on = r.date(FieldId::Purchased);
    Some(Command::Open(NewTicket {
        title,
        description: r.text(FieldId::Description),
        customer: Customer {
            name: r.text(FieldId::Customer).trim().to_string(),
            phone: phone.trim().to_string(),
            email: email.trim().to_string(),
        },
        channel: channel?,
        kind: kind?,
        priority: priority?,
        complexity: complexity?,
        reference: r.text(FieldId::Order).trim().to_string(),
        purchased_on,
    }))
}

fn judge(r: &mut Reader, id: i64, (metric, cycle): (&str, u32), amend: bool) -> Option<Command> {
    // An amendment names its breach in the `Breach` field; a first judgement in the purpose.
    let breach = if amend {
        let chosen = super::parse_breach_slug(&r.text(FieldId::Breach));
        if chosen.is_none() {
            r.fail(FieldId::Breach, Problem::Choice);
        }
        chosen
    } else {
        Some((metric.to_string(), cycle))
    };
    let class = r.slug::<BreachClass>(FieldId::Class);
    let reason = r.required(FieldId::Reason, Problem::JudgeReason);
    let remedy = r.slug::<Remedy>(FieldId::Remedy);
    // The amount is asked only for money remedies; a refund may leave it blank.
    let amount = match remedy {
        Some(remedy @ (Remedy::Compensation | Remedy::Refund)) => {
            let v = r.value(FieldId::Amount);
            match Amount::parse(&v) {
                _ if v.trim().is_empty() && remedy == Remedy::Refund => None,
                Ok(a) if a.0 > 0 => Some(a),
                _ => {
                    r.fail(FieldId::Amount, amount_problem(&v));
                    None
                }
            }
        }
        _ => None,
    };
    let (metric, cycle) = breach?;
    Some(Command::Judge {
        id,
        metric,
        cycle,
        amend,
        judgement: Judgement {
            class: class?,
            reason,
            remedy: remedy?,
            amount,
            note: r.text(FieldId::Note),
        },
    })
}

/// Why `v` is no amount: a number too long or too precise is said so, not "like 50".
fn amount_problem(v: &str) -> Problem {
    let t = v.trim().trim_start_matches(['¥', '￥']);
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match () {
        _ if whole.is_empty() || !digits(whole) || !digits(frac) => Problem::Amount,
        _ if frac.len() > 2 => Problem::AmountDecimals,
        _ if Amount::parse(&format!("{whole}.{frac}")).is_err() => Problem::AmountLarge,
        _ => Problem::Amount,
    }
}

fn edit(r: &mut Reader, ticket: &crate::domain::ticket::Ticket) -> Option<Command> {
    r.title();
    r.contact();
    let mut edits = Vec::new();
    let mut text = |id: FieldId, old: &str, make: fn(String) -> Edit| {
        let new = r.text(id);
        // The form showed the sanitised text: unchanged means untouched.
        if new.trim() != old.trim() && new != sanitize(old) {
            edits.push(make(new));
        }
    };
    text(FieldId::Title, &ticket.title, Edit::Title);
    text(FieldId::Customer, &ticket.customer.name, Edit::CustomerName);
    text(FieldId::Phone, &ticket.customer.phone, Edit::Phone);
    text(FieldId::Email, &ticket.customer.email, Edit::Email);
    text(FieldId::Order, &ticket.reference, Edit::Reference);
    text(FieldId::Description, &ticket.description, Edit::Description);
    let channel = r.slug::<Channel>(FieldId::Channel);
    let purchased = r.date(FieldId::Purchased);
    let channel = channel?;
    if channel != ticket.channel {
        edits.push(Edit::Channel(channel));
    }
    if purchased != ticket.purchased_on {
        edits.push(Edit::Purchased(purchased));
    }
    Some(if edits.is_empty() {
        Command::Unchanged { id: ticket.id }
    } else {
        Command::Edit {
            id: ticket.id,
            version: ticket.version,
            edits,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::BreachClass;
    use crate::domain::ticket::Ticket;
    use crate::tui::form::{LineInput, Value};

    fn ticket(status: Status) -> Ticket {
        let at = "2026-11-24T02:00:00Z".parse().unwrap();
        Ticket {
            id: 7,
            title: "Kettle leaks".into(),
            description: String::new(),
            customer: Customer::default(),
            channel: Channel::Phone,
            kind: Kind::Repair,
            priority: Priority::Normal,
            complexity: Complexity::Ordinary,
            reference: String::new(),
            purchased_on: None,
            status,
            opened_at: at,
            updated_at: at,
            resolved_at: None,
            closed_at: None,
            version: 3,
            owner: String::new(),
        }
    }

    fn all_forms() -> Vec<Form> {
        let t = ticket(Status::Open);
        let metrics = vec![("resolution".to_string(), "Resolution".to_string())];
        let mut forms = vec![
            Form::new_ticket("en"),
            Form::log(&t, "en"),
            Form::status(&t, "en"),
            Form::status(&ticket(Status::Resolved), "en"),
            Form::priority(&t, "en"),
            Form::kind(&t, "en"),
            Form::extend(&t, metrics, "en"),
            Form::transfer(&t, "en"),
            Form::edit(&t, "en"),
        ];
        for class in BreachClass::ALL {
            forms.push(Form::judge(7, "resolution", 1, *class, "Judge".into(), "zh-CN"));
        }
        forms
    }

    #[test]
    fn every_offered_choice_reads_back() {
        for mut form in all_forms() {
            for i in 0..form.fields.len() {
                let n = match &form.fields[i].value {
                    Value::Choice { options, .. } => options.len(),
                    _ => continue,
                };
                for k in 0..n {
                    if let Value::Choice { index, .. } = &mut form.fields[i].value {
                        *index = k;
                    }
                    let problems = form.command().err().unwrap_or_default();
                    assert!(
                        !problems.iter().any(|(_, p)| *p == Problem::Choice),
                        "{:?} option {k} of {:?}: {problems:?}",
                        form.purpose,
                        form.fields[i].id
                    );
                }
            }
        }
    }

    #[test]
    fn the_new_ticket_form_gives_the_new_ticket() {
        let mut form = Form::new_ticket("en");
        form.field_mut(FieldId::Title).unwrap().value = Value::Line(LineInput::new("Kettle leaks"));
        form.field_mut(FieldId::Purchased).unwrap().value = Value::Line(LineInput::new("2026-11-01"));
        let Ok(Command::Open(new)) = form.command() else {
            panic!("{:?}", form.command())
        };
        assert_eq!(new.title, "Kettle leaks");
        assert_eq!((new.kind, new.priority), (Kind::Enquiry, Priority::Normal));
        assert_eq!(new.purchased_on, "2026-11-01".parse().ok());
    }

    #[test]
    fn full_width_digits_typed_in_value_fields_read_as_ascii() {
        let mut form = Form::new_ticket("zh-CN");
        let set = |form: &mut Form, id, typed: &str| {
            form.field_mut(id).unwrap().value = Value::Line(LineInput::new(typed));
        };
        set(&mut form, FieldId::Title, "水壶２台");
        set(&mut form, FieldId::Phone, "１３８００１３８０００");
        set(&mut form, FieldId::Purchased, "２０２６-１１-０１");
        let Ok(Command::Open(new)) = form.command() else {
            panic!("{:?}", form.command())
        };
        assert_eq!(new.title, "水壶２台", "a title is text, kept as typed");
        assert_eq!(new.customer.phone, "13800138000");
        assert_eq!(new.purchased_on, "2026-11-01".parse().ok());

        let metrics = vec![("resolution".to_string(), "Resolution".to_string())];
        let mut form = Form::extend(&ticket(Status::Open), metrics, "zh-CN");
        set(&mut form, FieldId::By, "１ｄ");
        set(&mut form, FieldId::Reason, "等配件");
        let Ok(Command::Extend { by, .. }) = form.command() else {
            panic!("{:?}", form.command())
        };
        assert_eq!(by, "1d".parse().unwrap());
    }

    #[test]
    fn unknown_choices_and_bad_values_are_problems_on_their_fields() {
        let mut form = Form::kind(&ticket(Status::Open), "en");
        form.field_mut(FieldId::Complexity).unwrap().value = Value::Choice {
            options: vec![("hard".into(), "Hard".into())],
            index: 0,
        };
        assert_eq!(form.command(), Err(vec![(FieldId::Complexity, Problem::Choice)]));

        let mut form = Form::judge(7, "resolution", 1, BreachClass::Major, "Judge".into(), "en");
        form.field_mut(FieldId::Reason).unwrap().value = Value::Line(LineInput::new("late parts"));
        form.field_mut(FieldId::Amount).unwrap().value = Value::Line(LineInput::new("fifty"));
        assert_eq!(form.command(), Err(vec![(FieldId::Amount, Problem::Amount)]));
        for (typed, problem) in [
            ("999999999999999999999999", Problem::AmountLarge),
            ("999999999999.999", Problem::AmountDecimals),
        ] {
            form.field_mut(FieldId::Amount).unwrap().value = Value::Line(LineInput::new(typed));
            assert_eq!(form.command(), Err(vec![(FieldId::Amount, problem)]), "{typed}");
        }
        assert!(form.submit().is_err());
        assert_eq!(form.focused().map(|f| f.id), Some(FieldId::Amount));
    }
}
