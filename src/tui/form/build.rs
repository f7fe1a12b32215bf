//! The forms of the board, field by field, with their starting values.

use super::{Field, FieldId, Form, Purpose, breach_slug, parse_breach_slug};
use crate::domain::log::ContactMethod;
use crate::domain::review::{BreachClass, Judgement, Remedy, Review};
use crate::domain::ticket::{Channel, Complexity, Kind, Priority, Status, Ticket};
use crate::t;

fn options<T: Copy>(all: &[T], slug: impl Fn(T) -> &'static str, key: &str, lang: &str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let s = slug(*v);
            (s.to_string(), t!(format!("{key}.{s}"), locale = lang).to_string())
        })
        .collect()
}

fn l(key: &str, lang: &str) -> String {
    t!(format!("form.{key}"), locale = lang).to_string()
}

/// The fields of a judgement, filled from `j`: class, reason, remedy, amount, note.
fn judgement_fields(j: &Judgement, lang: &'static str) -> Vec<Field> {
    let classes = options(BreachClass::ALL, BreachClass::slug, "review.class", lang);
    let remedies = options(Remedy::ALL, Remedy::slug, "review.remedy", lang);
    let amount = j.amount.map(|a| a.to_string()).unwrap_or_default();
    vec![
        Field::choice(FieldId::Class, l("class", lang), classes, j.class.slug()),
        Field::line(FieldId::Reason, l("judge_reason", lang), &j.reason),
        Field::choice(FieldId::Remedy, l("remedy", lang), remedies, j.remedy.slug()),
        Field::line(FieldId::Amount, l("amount", lang), &amount),
        Field::text(FieldId::Note, l("note", lang), &j.note),
    ]
}

impl Form {
    pub fn new_ticket(lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let fields = vec![
            Field::line(FieldId::Title, l("title"), ""),
            Field::line(FieldId::Customer, l("customer"), ""),
            Field::line(FieldId::Phone, l("phone"), ""),
            Field::line(FieldId::Email, l("email"), ""),
            Field::choice(
                FieldId::Channel,
                l("channel"),
                options(Channel::ALL, Channel::slug, "channel", lang),
                "phone",
            ),
            Field::choice(
                FieldId::Kind,
                l("kind_field"),
                options(Kind::ALL, Kind::slug, "kind", lang),
                "enquiry",
            ),
            Field::choice(
                FieldId::Priority,
                l("priority_field"),
                options(Priority::ALL, Priority::slug, "priority", lang),
                "normal",
            ),
            Field::choice(
                FieldId::Complexity,
                l("complexity"),
                options(Complexity::ALL, Complexity::slug, "complexity", lang),
                "ordinary",
            ),
            Field::line(FieldId::Order, l("order"), ""),
            Field::line(FieldId::Purchased, l("purchased"), ""),
            Field::text(FieldId::Description, l("description"), ""),
        ];
        Form::new(Purpose::NewTicket, l("new"), fields, lang)
    }

    pub fn log(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let entries = ["note", "contact", "plan"]
            .iter()
            .map(|s| (s.to_string(), t!(format!("entry.{s}"), locale = lang).to_string()))
            .collect();
        let directions = ["outbound", "inbound"]
            .iter()
            .map(|s| (s.to_string(), t!(format!("direction.{s}"), locale = lang).to_string()))
            .collect();
        let fields = vec![
            // A note meets no clock: contact and plan (which may) are chosen on purpose.
            Field::choice(FieldId::Entry, l("entry"), entries, "note"),
            Field::choice(
                FieldId::Method,
                l("method"),
                options(ContactMethod::ALL, ContactMethod::slug, "contact", lang),
                "call",
            ),
            Field::choice(FieldId::Direction, l("direction"), directions, "outbound"),
            Field::text(FieldId::Text, l("text"), ""),
        ];
        let title = t!("form.log", locale = lang, id = ticket.id).to_string();
        let mut form = Form::new(
            Purpose::Log {
                id: ticket.id,
                version: ticket.version,
            },
            title,
            fields,
            lang,
        );
        // The text is what is always written; the entry kind above keeps its default.
        form.focus = 3;
        form.validate();
        form
    }

    /// A reply by email: To and Subject as they will be sent (read-only), the text to type.
    pub fn reply(ticket: &Ticket, to: &str, subject: &str, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("reply.{k}"), locale = lang).to_string();
        let fields = vec![
            Field::fixed(FieldId::MailTo, l("to"), to),
            Field::fixed(FieldId::MailSubject, l("subject"), subject),
            Field::text(FieldId::Text, l("text"), ""),
        ];
        let title = t!("reply.title", locale = lang, id = ticket.id).to_string();
        let mut form = Form::new(
            Purpose::Reply {
                id: ticket.id,
                version: ticket.version,
            },
            title,
            fields,
            lang,
        );
        form.focus = 2;
        form.validate();
        form
    }

    /// The status move; closing asks for the customer's confirmation, resolving for a summary.
    pub fn status(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let moves = options(ticket.status.allowed_moves(), Status::slug, "status", lang);
        // The step forward: an open ticket is worked to its resolution, a resolved one closed.
        let first = moves
            .iter()
            .find(|m| m.0 == Status::Resolved.slug())
            .or(moves.first())
            .map(|m| m.0.clone())
            .unwrap_or_default();
        let fields = vec![
            Field::choice(FieldId::To, l("to"), moves, &first),
            Field::line(FieldId::Confirmation, l("confirmation"), ""),
            Field::text(FieldId::Note, l("note"), ""),
        ];
        let title = t!("form.status", locale = lang, id = ticket.id).to_string();
        let mut form = Form::new(
            Purpose::Status {
                id: ticket.id,
                version: ticket.version,
            },
            title,
            fields,
            lang,
        );
        form.validate();
        form
    }

    /// A judgement on a breach: class (preset), reason, remedy with its amount, note. The
    /// focus starts on the reason, the one thing the supervisor must write.
    pub fn judge(id: i64, metric: &str, cycle: u32, class: BreachClass, title: String, lang: &'static str) -> Form {
        let remedy = match class {
            BreachClass::Minor => Remedy::Apology,
            BreachClass::Major => Remedy::Compensation,
        };
        let blank = Judgement {
            class,
            reason: String::new(),
            remedy,
            amount: None,
            note: String::new(),
        };
        let purpose = Purpose::Judge {
            id,
            metric: metric.to_string(),
            cycle,
            amending: Vec::new(),
        };
        let mut form = Form::new(purpose, title, judgement_fields(&blank, lang), lang);
        form.focus = 1;
        form.validate();
        form
    }

    /// Amending a judgement: which judged breach (each option labelled by the caller with the
    /// judgement that counts now), then the judgement's fields filled from the chosen one.
    /// Saving writes a newer judgement that supersedes it; the log keeps both.
    pub fn amend(id: i64, judged: &[(Review, String)], selected: usize, title: String, lang: &'static str) -> Form {
        // The board offers it only on a ticket with a judgement; without one, a first judgement.
        let Some((chosen, _)) = judged.get(selected).or(judged.first()) else {
            return Form::judge(id, "", 0, BreachClass::Minor, title, lang);
        };
        let options = judged
            .iter()
            .map(|(r, label)| (breach_slug(&r.metric, r.cycle), label.clone()))
            .collect();
        let slug = breach_slug(&chosen.metric, chosen.cycle);
        let mut fields = vec![Field::choice(FieldId::Breach, l("breach", lang), options, &slug)];
        fields.extend(judgement_fields(&chosen.judgement, lang));
        let purpose = Purpose::Judge {
            id,
            metric: chosen.metric.clone(),
            cycle: chosen.cycle,
            amending: judged.iter().map(|(r, _)| r.clone()).collect(),
        };
        let mut form = Form::new(purpose, title, fields, lang);
        // On the reason: what an amendment most often changes, with the class above it.
        form.focus = 2;
        form.validate();
        form
    }

    /// The `Breach` choice of an amendment moved: the judgement fields show the one that
    /// counts on the breach now chosen (what was typed for the other one is not carried over).
    pub(super) fn refill_judgement(&mut self) {
        let Purpose::Judge { amending, .. } = &self.purpose else {
            return;
        };
        let chosen = parse_breach_slug(&self.get(FieldId::Breach))
            .and_then(|(metric, cycle)| amending.iter().find(|r| r.metric == metric && r.cycle == cycle));
        let Some(review) = chosen.cloned() else { return };
        for fresh in judgement_fields(&review.judgement, self.lang) {
            if let Some(slot) = self.field_mut(fresh.id) {
                *slot = fresh;
            }
        }
    }

    /// Recording a satisfaction call: reached or not, the score (when reached), a comment.
    pub fn callback(id: i64, title: String, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let reached = vec![
            ("yes".to_string(), t!("callback.reached", locale = lang).to_string()),
            ("no".to_string(), t!("callback.not_reached", locale = lang).to_string()),
        ];
        // No score until the agent picks one: Enter through the form must not record a 5/5.
        let mut scores = vec![(String::new(), l("no_score"))];
        scores.extend((1..=5).rev().map(|s| (s.to_string(), format!("{s}/5"))));
        let fields = vec![
            Field::choice(FieldId::Reached, l("reached"), reached, "yes"),
            Field::choice(FieldId::Score, l("score"), scores, ""),
            Field::text(FieldId::Note, l("comment"), ""),
        ];
        let mut form = Form::new(Purpose::Callback { id }, title, fields, lang);
        form.validate();
        form
    }

    pub fn priority(ticket: &Ticket, lang: &'static str) -> Form {
        let fields = vec![Field::choice(
            FieldId::Priority,
            t!("form.priority_field", locale = lang).to_string(),
            options(Priority::ALL, Priority::slug, "priority", lang),
            ticket.priority.slug(),
        )];
        let title = t!("form.priority", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Priority {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    pub fn kind(ticket: &Ticket, lang: &'static str) -> Form {
        let fields = vec![
            Field::choice(
                FieldId::Kind,
                t!("form.kind_field", locale = lang).to_string(),
                options(Kind::ALL, Kind::slug, "kind", lang),
                ticket.kind.slug(),
            ),
            Field::choice(
                FieldId::Complexity,
                t!("form.complexity", locale = lang).to_string(),
                options(Complexity::ALL, Complexity::slug, "complexity", lang),
                ticket.complexity.slug(),
            ),
        ];
        let title = t!("form.kind", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Kind {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    /// `metrics`: (metric name, label) of the clocks that still run.
    pub fn extend(ticket: &Ticket, metrics: Vec<(String, String)>, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let first = metrics.first().map(|m| m.0.clone()).unwrap_or_default();
        let fields = vec![
            Field::choice(FieldId::Metric, l("metric"), metrics, &first),
            Field::line(FieldId::By, l("by"), ""),
            Field::line(FieldId::Reason, l("reason"), ""),
        ];
        let title = t!("form.extend", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Extend {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    /// To whom and why (转派): the owner now is in the title.
    pub fn transfer(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let owner = match ticket.owner.as_str() {
            "" => t!("owner.nobody", locale = lang).to_string(),
            name => crate::domain::text::sanitize_line(name),
        };
        let fields = vec![
            Field::line(FieldId::To, l("transfer_to"), ""),
            Field::line(FieldId::Reason, l("reason"), ""),
        ];
        let title = t!("form.transfer", locale = lang, id = ticket.id, owner = owner).to_string();
        let purpose = Purpose::Transfer {
            id: ticket.id,
            version: ticket.version,
        };
        Form::new(purpose, title, fields, lang)
    }

    pub fn edit(ticket: &Ticket, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let purchased = ticket.purchased_on.map(|d| d.to_string()).unwrap_or_default();
        let fields = vec![
            Field::line(FieldId::Title, l("title"), &ticket.title),
            Field::line(FieldId::Customer, l("customer"), &ticket.customer.name),
            Field::line(FieldId::Phone, l("phone"), &ticket.customer.phone),
            Field::line(FieldId::Email, l("email"), &ticket.customer.email),
            Field::choice(
                FieldId::Channel,
                l("channel"),
                options(Channel::ALL, Channel::slug, "channel", lang),
                ticket.channel.slug(),
            ),
            Field::line(FieldId::Order, l("order"), &ticket.reference),
            Field::line(FieldId::Purchased, l("purchased"), &purchased),
            Field::text(
                FieldId::Description,
                l("description"),
                &crate::domain::text::sanitize(&ticket.description),
            ),
        ];
        let title = t!("form.edit", locale = lang, id = ticket.id).to_string();
        let purpose = Purpose::Edit {
            ticket: Box::new(ticket.clone()),
        };
        Form::new(purpose, title, fields, lang)
    }
}
