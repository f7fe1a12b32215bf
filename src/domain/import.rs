//! Bringing a shop's tickets in from another system (`promptly import`): columns named in
//! English or Chinese, each row read into a typed ticket with its milestones and the history
//! they imply, every problem located by row and column. Pure: the file formats are the CLI's,
//! the writing is the desk's (`desk::import`).

use crate::domain::log::{ContactMethod, Direction, Event, NewEntry};
use crate::domain::ticket::{
    Channel, Complexity, Customer, InvalidField, Kind, NewTicket, Priority, Reason, Status, normalize_word,
    validate_email, validate_phone, validate_title,
};
use crate::domain::timestamp::{TimestampError, parse_timestamp};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// A column Promptly reads; the names are the export's headers (issue 14's shared contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    ExternalId,
    Title,
    Customer,
    Phone,
    Email,
    Order,
    Kind,
    Priority,
    Complexity,
    Channel,
    Status,
    OpenedAt,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
    Note,
    Owner,
}

impl Field {
    pub const ALL: [Field; 17] = [
        Field::ExternalId,
        Field::Title,
        Field::Customer,
        Field::Phone,
        Field::Email,
        Field::Order,
        Field::Kind,
        Field::Priority,
        Field::Complexity,
        Field::Channel,
        Field::Status,
        Field::OpenedAt,
        Field::FirstResponseAt,
        Field::ResolvedAt,
        Field::ClosedAt,
        Field::Note,
        Field::Owner,
    ];

    /// The English header (and the name `--map col=FIELD` takes).
    pub fn name(self) -> &'static str {
        match self {
            Field::ExternalId => "external_id",
            Field::Title => "title",
            Field::Customer => "customer",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Order => "order",
            Field::Kind => "kind",
            Field::Priority => "priority",
            Field::Complexity => "complexity",
            Field::Channel => "channel",
            Field::Status => "status",
            Field::OpenedAt => "opened_at",
            Field::FirstResponseAt => "first_response_at",
            Field::ResolvedAt => "resolved_at",
            Field::ClosedAt => "closed_at",
            Field::Note => "note",
            Field::Owner => "owner",
        }
    }

    /// The Chinese header, then other names shops' exports use for the same column.
    fn other_names(self) -> &'static [&'static str] {
        match self {
            Field::ExternalId => &["外部编号", "external id", "外部id", "原编号", "原工单号"],
            Field::Title => &["标题", "subject", "主题", "问题"],
            Field::Customer => &[
                "客户",
                "name",
                "customer_name",
                "客户名称",
                "客户姓名",
                "姓名",
                "联系人",
            ],
            Field::Phone => &["电话", "mobile", "tel", "手机", "手机号", "联系电话"],
            Field::Email => &["邮箱", "e-mail", "mail", "电子邮件", "邮件"],
            Field::Order => &["订单号", "order_no", "reference", "订单", "订单编号"],
            Field::Kind => &["类型", "type", "category", "问题类型", "分类"],
            Field::Priority => &["优先级", "urgency", "紧急程度"],
            Field::Complexity => &["复杂度"],
            Field::Channel => &["渠道", "source", "来源"],
            Field::Status => &["状态", "state"],
            Field::OpenedAt => &["创建时间", "created", "created_at", "opened", "登记时间"],
            Field::FirstResponseAt => &["首次响应时间", "first_response", "responded_at", "首次回复时间"],
            Field::ResolvedAt => &["解决时间", "resolved"],
            Field::ClosedAt => &["关闭时间", "closed"],
            Field::Note => &["备注", "description", "描述", "问题描述", "说明"],
            Field::Owner => &["负责人", "assignee", "agent", "处理人", "客服"],
        }
    }

    /// The field a header or a `--map` target names: English or Chinese, any case, full- or
    /// half-width, trimmed, `_`, `-` or a space between words.
    pub fn named(header: &str) -> Option<Field> {
        let wanted = words_of(header);
        Field::ALL
            .into_iter()
            .find(|f| words_of(f.name()) == wanted || f.other_names().iter().any(|n| words_of(n) == wanted))
    }
}

fn words_of(s: &str) -> String {
    normalize_word(s).replace(' ', "-")
}

/// Columns the export writes that import does not read back: the ticket number in the other
/// database and the update instant (both are Promptly's own).
const IGNORED: &[&str] = &["id", "编号", "updated_at", "更新时间"];

/// What a row or the header got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// A header Promptly does not know (map it with `--map` or skip it with `--ignore`).
    UnknownColumn,
    /// Two columns name the same field.
    DuplicateColumn(Field),
    /// A column every row needs is not there.
    MissingColumn(Field),
    /// A value the field cannot take (a bad phone, an unknown priority...).
    Invalid(Reason),
    /// An instant that cannot be read.
    Timestamp(TimestampError),
    /// A required value is empty.
    Missing(Field),
    /// This milestone comes before `earlier`, which must come first.
    Before { earlier: Field },
    /// The status needs this milestone.
    StatusNeeds(Status),
    /// A milestone the status cannot have (an open ticket with a resolution time).
    StatusForbids(Status),
    /// The same external id as an earlier row of the file.
    DuplicateId { first_row: u64 },
    /// The external id is already in the database, on this ticket.
    AlreadyImported { ticket: i64 },
    /// A line or record that cannot be read at all (the reader's own message).
    Unreadable(String),
    /// The file changed between the check of every row and the write (nothing was written).
    Changed,
}

/// One problem, where it is: the row as a spreadsheet numbers it (the header is row 1) or the
/// line of a JSON Lines file, and the column as the file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: u64,
    pub column: Option<String>,
    pub trouble: Trouble,
}

/// A ticket read from a file, ready for the desk: the ticket as opened, its history after
/// opening, and where it came from.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub row: u64,
    pub external_id: Option<String>,
    pub ticket: NewTicket,
    pub opened_at: DateTime<Utc>,
    /// The opening as recorded elsewhere (JSON Lines: the promise made then); `None`: the
    /// desk records the opening with today's promise for the ticket's values.
    pub opened: Option<NewEntry>,
    /// Everything after the opening, in the order it happened.
    pub history: Vec<NewEntry>,
    /// Who owns it (an `owner` column); `None`: whoever imports it.
    pub owner: Option<String>,
}

/// How the columns of a file map to fields.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Per column: the field it fills, or `None` when it is left out.
    fields: Vec<Option<Field>>,
    headers: Vec<String>,
}

/// What the user said about columns: `--map COL=FIELD` and `--ignore COL`.
#[derive(Debug, Clone, Default)]
pub struct ColumnChoices {
    pub map: Vec<(String, String)>,
    pub ignore: Vec<String>,
}

impl Columns {
    /// Maps `headers`; every unknown, duplicate or missing column is a problem on row 1 (the
    /// rows can still be checked, without those columns, unless a required one is missing).
    /// `metrics` are the policy's metric names: the export's SLA outcome columns start with one.
    pub fn plan(headers: &[String], choices: &ColumnChoices, metrics: &[&str]) -> (Columns, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut fields = Vec::with_capacity(headers.len());
        let mut seen: HashMap<Field, ()> = HashMap::new();
        let same = |a: &str, b: &str| words_of(a) == words_of(b);
        for h in headers {
            let problem = |trouble| Problem {
                row: 1,
                column: Some(h.clone()),
                trouble,
            };
            let field = if let Some((_, to)) = choices.map.iter().find(|(col, _)| same(col, h)) {
                match Field::named(to) {
                    Some(f) => Some(f),
                    None => {
                        problems.push(problem(Trouble::UnknownColumn));
                        None
                    }
                }
            } else if choices.ignore.iter().any(|c| same(c, h)) || h.trim().is_empty() {
                None
            } else if let Some(f) = Field::named(h) {
                Some(f)
            } else if IGNORED.iter().any(|i| same(i, h))
                || metrics.iter().any(|m| words_of(h).starts_with(&words_of(m)))
            {
                None
            } else {
                problems.push(problem(Trouble::UnknownColumn));
                None
            };
            let field = match field {
                Some(f) if seen.insert(f, ()).is_some() => {
                    problems.push(problem(Trouble::DuplicateColumn(f)));
                    None
                }
                other => other,
            };
            fields.push(field);
        }
        for required in [Field::Title, Field::OpenedAt] {
            if !seen.contains_key(&required) {
                problems.push(Problem {
                    row: 1,
                    column: None,
                    trouble: Trouble::MissingColumn(required),
                });
            }
        }
        let columns = Columns {
            fields,
            headers: headers.to_vec(),
        };
        (columns, problems)
    }

    /// The header of the external id column; without one, re-importing the file cannot be
    /// told apart.
    pub fn external_id(&self) -> Option<&str> {
        let at = self.fields.iter().position(|f| *f == Some(Field::ExternalId))?;
        Some(&self.headers[at])
    }

    /// Reads data row `row` (its spreadsheet number) into a ticket with its history.
    pub fn read<S: AsRef<str>>(&self, row: u64, cells: &[S], shop: &Shop) -> Result<Incoming, Vec<Problem>> {
        // Each field's cell and header, by the field's place in `Field::ALL` (no map per row).
        let mut values: [Option<(&str, &str)>; Field::ALL.len()] = [None; Field::ALL.len()];
        for ((field, header), cell) in self.fields.iter().zip(&self.headers).zip(cells) {
            if let Some(f) = field {
                values[*f as usize] = Some((cell.as_ref().trim(), header.as_str()));
            }
        }
        let mut problems = Vec::new();
        let column = |f: Field| values[f as usize].map_or_else(|| f.name().to_string(), |v| v.1.to_string());
        let text = |f: Field| values[f as usize].map_or("", |v| v.0);
        let mut refuse = |f: Field, trouble: Trouble| {
            problems.push(Problem {
                row,
                column: Some(column(f)),
                trouble,
            })
        };
        macro_rules! word {
            ($field:expr, $ty:ty, $default:expr) => {
                match text($field) {
                    "" => $default,
                    v => v.parse::<$ty>().unwrap_or_else(|e| {
                        refuse($field, Trouble::Invalid(Reason::Unknown(e)));
                        $default
                    }),
                }
            };
        }
        let kind = word!(Field::Kind, Kind, Kind::Other);
        let priority = word!(Field::Priority, Priority, Priority::Normal);
        let complexity = word!(Field::Complexity, Complexity, Complexity::Ordinary);
        let channel = word!(Field::Channel, Channel, Channel::Other);
        let status: Option<Status> = match text(Field::Status) {
            "" => None,
            v => v.parse().map_or_else(
                |e| {
                    refuse(Field::Status, Trouble::Invalid(Reason::Unknown(e)));
                    None
                },
                Some,
            ),
        };
        let mut instant = |f: Field| -> Option<DateTime<Utc>> {
            let v = text(f);
            if v.is_empty() {
                return None;
            }
            match parse_timestamp(v, shop.tz) {
                Ok(t) if t > shop.now => {
                    refuse(f, Trouble::Invalid(Reason::InFuture { at: t }));
                    None
                }
                Ok(t) => Some(t),
                Err(e) => {
                    refuse(f, Trouble::Timestamp(e));
                    None
                }
            }
        };
        let opened = instant(Field::OpenedAt);
        let responded = instant(Field::FirstResponseAt);
        let mut resolved = instant(Field::ResolvedAt);
        let closed = instant(Field::ClosedAt);
        if opened.is_none() && text(Field::OpenedAt).is_empty() {
            refuse(Field::OpenedAt, Trouble::Missing(Field::OpenedAt));
        }
        let ticket = NewTicket {
            title: text(Field::Title).to_string(),
            description: text(Field::Note).to_string(),
            customer: Customer {
                name: text(Field::Customer).to_string(),
                phone: text(Field::Phone).to_string(),
                email: text(Field::Email).to_string(),
            },
            channel,
            kind,
            priority,
            complexity,
            reference: text(Field::Order).to_string(),
            purchased_on: None,
        };
        let owner = match text(Field::Owner) {
            "" => None,
            name => crate::domain::agent::agent_name(name, "owner").map_or_else(
                |e| {
                    refuse(Field::Owner, Trouble::Invalid(e.reason));
                    None
                },
                Some,
            ),
        };
        for (f, check) in [
            (Field::Title, validate_title(&ticket.title)),
            (Field::Email, validate_email(&ticket.customer.email)),
            (Field::Phone, validate_phone(&ticket.customer.phone)),
        ] {
            if let Err(InvalidField { reason, .. }) = check {
                refuse(f, Trouble::Invalid(reason));
            }
        }
        // The milestones come in their order: opened, answered, resolved, closed.
        let order = [
            (Field::OpenedAt, opened),
            (Field::FirstResponseAt, responded),
            (Field::ResolvedAt, resolved),
            (Field::ClosedAt, closed),
        ];
        for (i, (f, at)) in order.iter().enumerate() {
            let Some(at) = at else { continue };
            if let Some((earlier, _)) = order[..i].iter().find(|(_, e)| e.is_some_and(|e| e > *at)) {
                refuse(*f, Trouble::Before { earlier: *earlier });
            }
        }
        let status = status.unwrap_or(if closed.is_some() {
            Status::Closed
        } else if resolved.is_some() {
            Status::Resolved
        } else {
            Status::Open
        });
        match status {
            Status::Closed if closed.is_none() => refuse(Field::ClosedAt, Trouble::StatusNeeds(status)),
            // A ticket closed without a resolution time was resolved when it was closed.
            Status::Closed => resolved = resolved.or(closed),
            Status::Resolved if resolved.is_none() => refuse(Field::ResolvedAt, Trouble::StatusNeeds(status)),
            Status::Resolved if closed.is_some() => refuse(Field::ClosedAt, Trouble::StatusForbids(status)),
            Status::Open | Status::Waiting if resolved.is_some() => {
                refuse(Field::ResolvedAt, Trouble::StatusForbids(status))
            }
            Status::Open | Status::Waiting if closed.is_some() => {
                refuse(Field::ClosedAt, Trouble::StatusForbids(status))
            }
            _ => {}
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let Some(opened_at) = opened else {
            return Err(problems);
        };
        let external_id = Some(text(Field::ExternalId).to_string()).filter(|s| !s.is_empty());
        let history = milestones(shop, channel, status, opened_at, responded, resolved, closed);
        Ok(Incoming {
            row,
            external_id,
            ticket,
            opened_at,
            opened: None,
            history,
            owner,
        })
    }
}

/// What reading a row needs to know about the shop.
#[derive(Debug, Clone)]
pub struct Shop {
    pub tz: Tz,
    /// Nothing imported may lie after this.
    pub now: DateTime<Utc>,
    /// Who the replayed entries are recorded by.
    pub author: String,
}

/// The history a flat row's milestones stand for: the first response as an outbound contact
/// (it stops the first-response clocks), a wait for the customer, the resolution, and the
/// customer's confirmation and the close.
fn milestones(
    shop: &Shop,
    channel: Channel,
    status: Status,
    opened: DateTime<Utc>,
    responded: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
) -> Vec<NewEntry> {
    let entry = |at, event| NewEntry {
        at,
        author: shop.author.clone(),
        event,
        body: String::new(),
    };
    let mut history = Vec::new();
    if let Some(at) = responded {
        let method = match channel {
            Channel::Email => ContactMethod::Email,
            Channel::Chat => ContactMethod::Message,
            Channel::WalkIn => ContactMethod::Visit,
            Channel::Phone | Channel::Other => ContactMethod::Call,
        };
        history.push(entry(
            at,
            Event::Contact {
                method,
                direction: Direction::Outbound,
            },
        ));
    }
    if status == Status::Waiting {
        history.push(entry(
            responded.unwrap_or(opened),
            Event::Status {
                from: Status::Open,
                to: Status::Waiting,
            },
        ));
    }
    if let Some(at) = resolved {
        history.push(entry(
            at,
            Event::Status {
                from: Status::Open,
                to: Status::Resolved,
            },
        ));
    }
    if let Some(at) = closed {
        history.push(entry(at, Event::Confirmed));
        history.push(entry(
            at,
            Event::Status {
                from: Status::Resolved,
                to: Status::Closed,
            },
        ));
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shop() -> Shop {
        Shop {
            tz: "Asia/Shanghai".parse().unwrap(),
            now: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            author: "importer".into(),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_field_is_at_its_own_place_in_all() {
        // `Columns::read` keeps a row's cells by `field as usize`.
        for (at, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field as usize, at, "{field:?}");
        }
    }

    #[test]
    fn chinese_and_english_headers_name_the_same_fields() {
        assert_eq!(Field::named("标题"), Some(Field::Title));
        assert_eq!(Field::named(" Opened_At "), Some(Field::OpenedAt));
        assert_eq!(Field::named("ＴＩＴＬＥ"), Some(Field::Title));
        assert_eq!(Field::named("首次响应时间"), Some(Field::FirstResponseAt));
        assert_eq!(Field::named("colour"), None);
    }

    #[test]
    fn unknown_columns_are_refused_unless_mapped_or_ignored() {
        let headers = strings(&["标题", "创建时间", "工单来源", "x"]);
        let (_, problems) = Columns::plan(&headers, &ColumnChoices::default(), &[]);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].column.as_deref(), Some("工单来源"));
        let choices = ColumnChoices {
            map: vec![("工单来源".into(), "channel".into())],
            ignore: vec!["x".into()],
        };
        let (columns, problems) = Columns::plan(&headers, &choices, &[]);
        assert_eq!(problems, []);
        assert_eq!(columns.external_id(), None);
    }

    #[test]
    fn a_row_becomes_a_ticket_with_its_milestones() {
        let headers = strings(&["标题", "创建时间", "首次响应时间", "解决时间", "关闭时间", "优先级"]);
        let (columns, _) = Columns::plan(&headers, &ColumnChoices::default(), &[]);
        let row = strings(&[
            "屏幕碎了",
            "2026-11-02 09:00",
            "2026-11-02 09:20",
            "2026-11-03 10:00",
            "2026-11-04 10:00",
            "紧急",
        ]);
        let t = columns.read(2, &row, &shop()).unwrap();
        assert_eq!(t.ticket.priority, Priority::Urgent);
        assert_eq!(t.opened_at, Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap());
        let kinds: Vec<&str> = t.history.iter().map(|e| e.event.kind_name()).collect();
        assert_eq!(kinds, ["contact", "status", "confirmed", "status"]);
    }

    #[test]
    fn bad_values_are_located_by_row_and_column() {
        let headers = strings(&["title", "opened_at", "resolved_at", "phone", "status"]);
        let (columns, _) = Columns::plan(&headers, &ColumnChoices::default(), &[]);
        let row = strings(&["Broken", "2026-11-05 09:00", "2026-11-04 09:00", "12", "open"]);
        let problems = columns.read(7, &row, &shop()).unwrap_err();
        let located: Vec<(u64, &str)> = problems.iter().map(|p| (p.row, p.column.as_deref().unwrap())).collect();
        assert!(located.contains(&(7, "phone")), "{problems:?}");
        assert!(located.contains(&(7, "resolved_at")), "{problems:?}");
        let row = strings(&["", "someday", "", "", ""]);
        let problems = columns.read(8, &row, &shop()).unwrap_err();
        assert!(problems.iter().any(|p| matches!(p.trouble, Trouble::Timestamp(_))));
        assert!(problems.iter().any(|p| p.column.as_deref() == Some("title")));
    }
}
