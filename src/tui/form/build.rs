//! The forms of the board, field by field, with their starting values.

use super::{Field, FieldId, Form, Purpose};
use crate::domain::log::ContactMethod;
use crate::domain::review::{BreachClass, Remedy};
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
            Field::choice(FieldId::Entry, l("entry"), entries, "contact"),
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
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let classes = options(BreachClass::ALL, BreachClass::slug, "review.class", lang);
        let remedies = options(Remedy::ALL, Remedy::slug, "review.remedy", lang);
        let remedy = match class {
            BreachClass::Minor => Remedy::Apology,
            BreachClass::Major => Remedy::Compensation,
        };
        let fields = vec![
            Field::choice(FieldId::Class, l("class"), classes, class.slug()),
            Field::line(FieldId::Reason, l("judge_reason"), ""),
            Field::choice(FieldId::Remedy, l("remedy"), remedies, remedy.slug()),
            Field::line(FieldId::Amount, l("amount"), ""),
            Field::text(FieldId::Note, l("note"), ""),
        ];
        let purpose = Purpose::Judge {
            id,
            metric: metric.to_string(),
            cycle,
        };
        let mut form = Form::new(purpose, title, fields, lang);
        form.focus = 1;
        form.validate();
        form
    }

    /// Recording a satisfaction call: reached or not, the score (when reached), a comment.
    pub fn callback(id: i64, title: String, lang: &'static str) -> Form {
        let l = |k: &str| t!(format!("form.{k}"), locale = lang).to_string();
        let reached = vec![
            ("yes".to_string(), t!("callback.reached", locale = lang).to_string()),
            ("no".to_string(), t!("callback.not_reached", locale = lang).to_string()),
        ];
        let mut scores = vec![(String::new(), "—".to_string())];
        scores.extend((1..=5).rev().map(|s| (s.to_string(), format!("{s}/5"))));
        let fields = vec![
            Field::choice(FieldId::Reached, l("reached"), reached, "yes"),
            Field::choice(FieldId::Score, l("score"), scores, "5"),
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
