//! The reader a submitted form's fields go through: each field read by its [`FieldId`] into
//! the type its command needs, every field that cannot be read kept as a [`Problem`] on it,
//! so all of them are marked at once (split from `command.rs`, which had passed 650 lines).

use super::command::{Command, Problem};
use super::{FieldId, Form, parse_date};
use crate::domain::text::halfwidth_value;
use crate::domain::ticket::{PURCHASE_YEARS, validate_email, validate_phone, validate_title};
use std::str::FromStr;

/// Reads fields and collects the problems, so every bad field is marked at once.
pub(super) struct Reader<'a> {
    pub(super) form: &'a Form,
    pub(super) problems: Vec<(FieldId, Problem)>,
}

impl Reader<'_> {
    pub(super) fn text(&self, id: FieldId) -> String {
        self.form.get(id)
    }

    /// The text of a number, date, duration or phone field, full-width digits typed through
    /// an input method (３ｄ, ２０２６-１１-０１) read as ASCII, as on the command line.
    pub(super) fn value(&self, id: FieldId) -> String {
        let text = self.text(id);
        halfwidth_value(&text).unwrap_or(text)
    }

    pub(super) fn fail(&mut self, id: FieldId, problem: Problem) {
        self.problems.push((id, problem));
    }

    /// The text of `id`; blank is `problem`.
    pub(super) fn required(&mut self, id: FieldId, problem: Problem) -> String {
        let v = self.text(id);
        if v.trim().is_empty() {
            self.fail(id, problem);
        }
        v
    }

    /// The chosen option of `id`, parsed; an unknown slug is a problem, not a default.
    pub(super) fn choice<T>(&mut self, id: FieldId, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let v = parse(&self.text(id));
        if v.is_none() {
            self.fail(id, Problem::Choice);
        }
        v
    }

    pub(super) fn slug<T: FromStr>(&mut self, id: FieldId) -> Option<T> {
        self.choice(id, |s| s.parse().ok())
    }

    pub(super) fn title(&mut self) -> String {
        let v = self.text(FieldId::Title);
        if validate_title(&v).is_err() {
            let p = if v.trim().is_empty() {
                Problem::TitleEmpty
            } else {
                Problem::TitleLong
            };
            self.fail(FieldId::Title, p);
        }
        v
    }

    pub(super) fn checked(&mut self, id: FieldId, ok: fn(&str) -> bool, problem: Problem) -> String {
        let v = self.value(id);
        if !ok(&v) {
            self.fail(id, problem);
        }
        v
    }

    pub(super) fn contact(&mut self) -> (String, String) {
        let phone = self.checked(FieldId::Phone, |v| validate_phone(v).is_ok(), Problem::Phone);
        let email = self.checked(FieldId::Email, |v| validate_email(v).is_ok(), Problem::Email);
        (phone, email)
    }

    /// A purchase date: a real day, not after today, not more than [`PURCHASE_YEARS`] back.
    pub(super) fn date(&mut self, id: FieldId) -> Option<chrono::NaiveDate> {
        let text = self.value(id);
        let date = match parse_date(&text) {
            Ok(date) => date,
            Err(_) => {
                // Shaped like a date but not one: 2026-02-30, 2026-13-01.
                let shaped = text
                    .trim()
                    .split('-')
                    .map(|p| p.parse::<u32>().ok())
                    .collect::<Vec<_>>();
                let problem = if shaped.len() == 3 && shaped.iter().all(Option::is_some) {
                    Problem::NoSuchDay
                } else {
                    Problem::Date
                };
                self.fail(id, problem);
                return None;
            }
        };
        if let (Some(d), Some(today)) = (date, self.form.today) {
            if d > today {
                self.fail(id, Problem::DateFuture);
            } else if today.years_since(d).is_none_or(|y| y >= PURCHASE_YEARS) {
                self.fail(id, Problem::DateOld);
            }
        }
        date
    }

    pub(super) fn done(self, command: Option<Command>) -> Result<Command, Vec<(FieldId, Problem)>> {
        match command {
            Some(c) if self.problems.is_empty() => Ok(c),
            _ => Err(self.problems),
        }
    }
}
