//! A ticket: one customer request, from intake to close (服务流程).

use super::privacy::mask_phone;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a closed vocabulary: its English slug (stable in JSON and the database), the
/// Chinese words users type for it (domain.md), and parsing that accepts either.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $slug:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the field is called in errors.
            pub const FIELD: &'static str = $what;

            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            /// The slugs joined for an error message ("urgent, important, normal").
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.slug()).collect::<Vec<_>>().join(", ")
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.slug())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::ticket::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // The stored slug as is, before the allocating normalisation typed words need
                // (a long list reads several words per row).
                $(
                    if s == $slug { return Ok($name::$variant); }
                )+
                let t = $crate::domain::ticket::normalize_word(s);
                $(
                    if t == $slug $(|| t == $alias)* { return Ok($name::$variant); }
                )+
                Err($crate::domain::ticket::UnknownValue { field: $what, value: s.to_string(), choices: Self::choices() })
            }
        }
    };
}
pub(crate) use vocabulary;

/// A typed word as the vocabularies compare it: full-width letters and punctuation (a Chinese
/// input method left in full-width mode) as ASCII, trimmed (full-width spaces too), lower case,
/// `_` as `-`.
pub fn normalize_word(s: &str) -> String {
    let half = |c: char| match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    // A final sigma lower-cases by its place in the word, which only `str::to_lowercase`
    // knows; every other word is built in one pass (an import reads three words a row).
    if s.contains('Σ') {
        return s
            .chars()
            .map(half)
            .collect::<String>()
            .trim()
            .to_lowercase()
            .replace('_', "-");
    }
    let mut word = String::with_capacity(s.len());
    // Half-width forms are never white space, so trimming first trims the same.
    for c in s.trim().chars().map(half) {
        match c {
            '_' => word.push('-'),
            c if c.is_ascii() => word.push(c.to_ascii_lowercase()),
            c => word.extend(c.to_lowercase()),
        }
    }
    word
}

/// A value that is not one of a vocabulary's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub field: &'static str,
    pub value: String,
    pub choices: String,
}

/// A terse developer's line (clap shows it for a bad flag value); front ends word it
/// through `crate::words::errors`.
impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = crate::domain::text::sanitize(&self.value);
        write!(
            f,
            "{}: unknown value '{value}' (expected one of: {})",
            self.field, self.choices
        )
    }
}

impl std::error::Error for UnknownValue {}

vocabulary!(
    /// How urgent the customer's problem is (紧急/重要/一般).
    Priority, "priority" {
        Urgent => "urgent" | "紧急" | "u",
        Important => "important" | "重要" | "i",
        Normal => "normal" | "一般" | "普通" | "n",
    }
);

vocabulary!(
    /// Whether the letter treats the issue as ordinary or complex (一般/复杂: 一般性问题, 复杂问题).
    Complexity, "complexity" {
        Ordinary => "ordinary" | "一般" | "一般性" | "一般问题" | "一般性问题" | "普通" | "普通问题",
        Complex => "complex" | "复杂" | "复杂问题",
    }
);

vocabulary!(
    /// Where the request came in (需求登记渠道).
    Channel, "channel" {
        Phone => "phone" | "电话",
        Email => "email" | "邮件" | "mail" | "邮箱" | "电子邮件",
        Chat => "chat" | "在线" | "online" | "线上" | "在线聊天",
        WalkIn => "walk-in" | "walkin" | "到店" | "来访",
        Other => "other" | "其他",
    }
);

vocabulary!(
    /// What the problem is (分类处理).
    Kind, "kind" {
        Quality => "quality" | "质量问题" | "质量",
        Damage => "damage" | "商品破损" | "破损",
        Delivery => "delivery" | "配送延误" | "配送" | "延误",
        WrongItem => "wrong-item" | "商品错发" | "错发",
        Repair => "repair" | "维修",
        Return => "return" | "退换货" | "退货" | "换货",
        Enquiry => "enquiry" | "inquiry" | "咨询",
        Complaint => "complaint" | "投诉",
        OrderChange => "order-change" | "订单修改/取消" | "订单修改" | "订单取消" | "取消",
        Other => "other" | "其他",
    }
);

vocabulary!(
    /// Where a ticket is in its life. Reopening returns a ticket to `Open`.
    Status, "status" {
        Open => "open" | "处理中" | "打开" | "reopen" | "reopened" | "重新打开" | "重开",
        Waiting => "waiting" | "等待客户" | "等待",
        Resolved => "resolved" | "已解决" | "解决",
        Closed => "closed" | "已关闭" | "关闭",
    }
);

impl Status {
    /// The moves the status machine allows from here.
    pub fn allowed_moves(self) -> &'static [Status] {
        match self {
            Status::Open => &[Status::Waiting, Status::Resolved],
            Status::Waiting => &[Status::Open],
            Status::Resolved => &[Status::Closed, Status::Open],
            Status::Closed => &[Status::Open],
        }
    }

    /// Checks one move of the status machine.
    pub fn check_move(self, to: Status) -> Result<(), IllegalMove> {
        if self.allowed_moves().contains(&to) {
            Ok(())
        } else {
            Err(IllegalMove { from: self, to })
        }
    }

    /// Still needs work from the desk (counts on the board).
    pub fn is_active(self) -> bool {
        matches!(self, Status::Open | Status::Waiting)
    }
}

/// A status change the machine refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalMove {
    pub from: Status,
    pub to: Status,
}

/// The person who asked. Personal information: mask it on shared screens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    pub phone: String,
    pub email: String,
}

impl Customer {
    /// The name, or the masked phone when there is no name (one-line displays).
    pub fn label(&self) -> String {
        if crate::domain::text::is_blank(&self.name) {
            mask_phone(&self.phone)
        } else {
            self.name.clone()
        }
    }
}

/// One customer request and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub customer: Customer,
    pub channel: Channel,
    pub kind: Kind,
    pub priority: Priority,
    pub complexity: Complexity,
    /// Order or product reference the customer quoted.
    pub reference: String,
    pub purchased_on: Option<NaiveDate>,
    pub status: Status,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Bumped by every change; a change made against an older version is refused.
    pub version: i64,
    /// The agent who took it and answers for it to the end (首问负责制); empty: nobody yet.
    #[serde(default)]
    pub owner: String,
}

/// What a new ticket is made from; the desk fills in ids and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub title: String,
    pub description: String,
    pub customer: Customer,
    pub channel: Channel,
    pub kind: Kind,
    pub priority: Priority,
    pub complexity: Complexity,
    pub reference: String,
    pub purchased_on: Option<NaiveDate>,
}

impl NewTicket {
    /// A ticket with only a title and the usual defaults (phone, enquiry, normal, ordinary).
    pub fn titled(title: impl Into<String>) -> Self {
        NewTicket {
            title: title.into(),
            description: String::new(),
            customer: Customer::default(),
            channel: Channel::Phone,
            kind: Kind::Enquiry,
            priority: Priority::Normal,
            complexity: Complexity::Ordinary,
            reference: String::new(),
            purchased_on: None,
        }
    }

    /// The ticket this becomes when stored as `id`, opened at `at`.
    pub fn opened(&self, id: i64, at: DateTime<Utc>) -> Ticket {
        Ticket {
            id,
            title: self.title.trim().to_string(),
            description: self.description.clone(),
            customer: Customer {
                name: self.customer.name.trim().to_string(),
                phone: self.customer.phone.trim().to_string(),
                email: self.customer.email.trim().to_string(),
            },
            channel: self.channel,
            kind: self.kind,
            priority: self.priority,
            complexity: self.complexity,
            reference: self.reference.trim().to_string(),
            purchased_on: self.purchased_on,
            status: Status::Open,
            opened_at: at,
            updated_at: at,
            resolved_at: None,
            closed_at: None,
            version: 1,
            owner: String::new(),
        }
    }

    /// Checks what a person could get wrong; names the field.
    pub fn validate(&self) -> Result<(), InvalidField> {
        validate_title(&self.title)?;
        validate_email(&self.customer.email)?;
        validate_phone(&self.customer.phone)
    }
}

/// How far back a purchase date may go: further back is a typo in the year, not a purchase.
pub const PURCHASE_YEARS: u32 = 20;

/// A purchase date a person could mean: not after the shop's `today`, not more than
/// [`PURCHASE_YEARS`] before it (1900 and 2099 are typos, caught at the desk for every front end).
pub fn validate_purchased(date: Option<NaiveDate>, today: NaiveDate) -> Result<(), InvalidField> {
    let Some(date) = date else { return Ok(()) };
    let earliest = today
        .checked_sub_months(chrono::Months::new(12 * PURCHASE_YEARS))
        .unwrap_or(NaiveDate::MIN);
    if date > today || date <= earliest {
        let reason = Reason::PurchaseOutOfRange {
            date,
            earliest: earliest.succ_opt().unwrap_or(earliest),
            latest: today,
        };
        return Err(InvalidField::new("purchased", reason));
    }
    Ok(())
}

/// A field value that cannot be stored, with the field's name and why (values, not words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidField {
    pub field: &'static str,
    pub reason: Reason,
}

/// A terse developer's line (logs, test failures). Users read `crate::words::errors::invalid`.
impl fmt::Display for InvalidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:?}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidField {}

impl InvalidField {
    pub fn new(field: &'static str, reason: Reason) -> InvalidField {
        InvalidField { field, reason }
    }
}

/// Why a field value was refused. The front ends word it (`crate::words::errors`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Needs some text.
    Empty,
    /// Longer than `max` characters.
    TooLong {
        max: usize,
    },
    /// Not an email address.
    BadEmail {
        value: String,
    },
    /// Not a phone number.
    BadPhone {
        value: String,
    },
    /// Not a month (YYYY-MM).
    BadMonth {
        value: String,
    },
    /// Not a satisfaction score 1-5.
    BadScore {
        value: u8,
    },
    /// A score for a customer who was not reached.
    ScoreUnreached,
    /// Not an amount of money.
    BadAmount {
        value: String,
    },
    /// Compensation without an amount.
    AmountNeeded,
    /// An amount of zero or less.
    AmountNotPositive,
    /// An amount with a remedy that takes none.
    AmountWithRemedy {
        remedy: crate::domain::review::Remedy,
    },
    /// A judgement without its reason.
    JudgeReasonNeeded,
    /// A purchase date after the shop's today or more than [`PURCHASE_YEARS`] before it.
    PurchaseOutOfRange {
        date: NaiveDate,
        earliest: NaiveDate,
        latest: NaiveDate,
    },
    /// An instant after now.
    InFuture {
        at: DateTime<Utc>,
    },
    /// A note, contact or plan with no text.
    NoteEmpty,
    ContactEmpty,
    PlanEmpty,
    /// Resolving without a resolution summary.
    ResolveSummaryNeeded,
    /// An edit that changes nothing.
    NothingChanges,
    /// An extension without its reason.
    ExtendReasonNeeded,
    /// A transfer without its reason.
    TransferReasonNeeded,
    /// A name with control characters (an agent's).
    ControlCharacters,
    /// `now` is before the ticket's last change (a wrong --now).
    BeforeLastChange {
        now: DateTime<Utc>,
        last: DateTime<Utc>,
    },
    /// Closing without the customer's confirmation.
    CloseNeedsConfirmation,
    /// Not one of a vocabulary's words.
    Unknown(UnknownValue),
    /// Not a target ("30m", "3d").
    BadTarget(crate::domain::target::TargetError),
}

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;

pub fn validate_title(title: &str) -> Result<(), InvalidField> {
    if crate::domain::text::is_blank(title) {
        return Err(InvalidField::new("title", Reason::Empty));
    }
    if title.chars().count() > TITLE_MAX {
        return Err(InvalidField::new("title", Reason::TooLong { max: TITLE_MAX }));
    }
    Ok(())
}

pub fn validate_email(email: &str) -> Result<(), InvalidField> {
    let e = email.trim();
    if e.is_empty() {
        return Ok(());
    }
    // One @, a dotted host, nothing invisible: enough to catch typos without rejecting
    // real addresses.
    let ok = matches!(e.split_once('@'), Some((user, host)) if !user.is_empty() && !host.contains('@')
            && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !host.contains(".."))
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || crate::domain::text::is_unsafe(c));
    if ok {
        Ok(())
    } else {
        Err(InvalidField::new("email", Reason::BadEmail { value: e.to_string() }))
    }
}

pub fn validate_phone(phone: &str) -> Result<(), InvalidField> {
    let p = phone.trim();
    let ok = p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    // At least 3 digits (an extension), at most 20 (E.164's 15 and an extension).
    let digits = p.chars().filter(char::is_ascii_digit).count();
    if ok && (p.is_empty() || (3..=20).contains(&digits)) {
        Ok(())
    } else {
        Err(InvalidField::new("phone", Reason::BadPhone { value: p.to_string() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::privacy::{mask_email, mask_name};

    #[test]
    fn a_word_is_normalized_as_the_plain_steps_would() {
        // The steps `normalize_word` does in one pass, one after another.
        let steps = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                    _ => c,
                })
                .collect::<String>()
                .trim()
                .to_lowercase()
                .replace('_', "-")
        };
        for s in [
            "Urgent",
            " WAITING_ON_CUSTOMER ",
            "\u{3000}ＵＲＧＥＮＴ＿ｌａｔｅ\u{3000}",
            "紧急",
            "处理中",
            "İstanbul",
            "ΟΔΟΣ",
            "x Σ",
            "",
            "  ",
            "Ａ-b_Ｃ",
        ] {
            assert_eq!(normalize_word(s), steps(s), "{s:?}");
        }
    }

    #[test]
    fn a_chinese_mobile_with_its_country_code_is_masked_as_the_number() {
        assert_eq!(mask_phone("+86 139-0000-2222"), "139****2222");
        assert_eq!(mask_phone("0086 13900002222"), "139****2222");
        assert_eq!(mask_phone("13900002222"), "139****2222");
        // Not a Chinese mobile: masked as it is.
        assert_eq!(mask_phone("+44 20 7946 0958"), "442****0958");
    }

    #[test]
    fn status_machine_allows_exactly_the_documented_moves() {
        use Status::*;
        let allowed = [
            (Open, Waiting),
            (Waiting, Open),
            (Open, Resolved),
            (Resolved, Closed),
            (Resolved, Open),
            (Closed, Open),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(
                    from.check_move(*to).is_ok(),
                    allowed.contains(&(*from, *to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn illegal_move_carries_both_statuses() {
        let err = Status::Waiting.check_move(Status::Closed).unwrap_err();
        assert_eq!(
            err,
            IllegalMove {
                from: Status::Waiting,
                to: Status::Closed
            }
        );
    }

    #[test]
    fn vocabularies_accept_chinese_and_report_choices() {
        assert_eq!("紧急".parse::<Priority>().unwrap(), Priority::Urgent);
        assert_eq!("Wrong_Item".parse::<Kind>().unwrap(), Kind::WrongItem);
        assert_eq!("投诉".parse::<Kind>().unwrap(), Kind::Complaint);
        let err = "asap".parse::<Priority>().unwrap_err().to_string();
        assert_eq!(
            err,
            "priority: unknown value 'asap' (expected one of: urgent, important, normal)"
        );
    }

    #[test]
    fn each_vocabulary_reads_its_own_chinese_words_as_an_input_method_types_them() {
        assert_eq!("一般".parse::<Priority>().unwrap(), Priority::Normal);
        assert_eq!("一般".parse::<Complexity>().unwrap(), Complexity::Ordinary);
        assert!("一般".parse::<Kind>().is_err());
        assert_eq!(
            "\u{3000}ＵＲＧＥＮＴ\u{3000}".parse::<Priority>().unwrap(),
            Priority::Urgent
        );
        assert_eq!("订单修改／取消".parse::<Kind>().unwrap(), Kind::OrderChange);
        assert_eq!("Walk_In".parse::<Channel>().unwrap(), Channel::WalkIn);
    }

    #[test]
    fn masks_phone_numbers() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("+86 138-1234-5678"), "138****5678");
        assert_eq!(mask_phone("5678"), "****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn masks_names_and_emails_to_their_first_grapheme() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name(" Jane Doe"), "J*");
        assert_eq!(mask_name("🇨🇳Li"), "🇨🇳*");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_email("li.lei@example.cn"), "l***@example.cn");
        assert_eq!(mask_email("@x.cn"), "***@x.cn");
        assert_eq!(mask_email(""), "");
    }

    #[test]
    fn validates_contact_fields() {
        assert!(validate_email("a@b.cn").is_ok());
        assert_eq!(validate_email("nope").unwrap_err().field, "email");
        assert!(validate_email("c1@mail.example.cn@@bad").is_err());
        assert!(validate_email("a\u{1b}[5m@x.cn").is_err());
        assert!(validate_email("a@x..cn").is_err());
        assert!(validate_phone("+86 138-1234-5678").is_ok());
        assert_eq!(validate_phone("call me").unwrap_err().field, "phone");
        assert!(
            validate_phone(&"9".repeat(44)).is_err(),
            "more digits than any number has"
        );
        assert!(validate_phone(&"9".repeat(20)).is_ok());
        assert!(validate_phone("+++---()").is_err());
        assert_eq!(validate_title("\u{200b}").unwrap_err().field, "title");
        assert_eq!(validate_title("  ").unwrap_err().field, "title");
    }
}
