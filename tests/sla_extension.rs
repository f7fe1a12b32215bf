//! Extensions per kind: the default policy lets only repair and quality tickets have their
//! resolution extended (7个工作日内完成维修…最长10个工作日), a base allowance can be refused for
//! one kind with "none", and the kind that counts is the ticket's kind at `now`.

use chrono::{DateTime, Utc};
use promptly::domain::log::{Event, LogEntry};
use promptly::domain::policy::Policy;
use promptly::domain::promise::PromiseTable;
use promptly::domain::sla::{ExtensionError, check_extension};
use promptly::domain::target::Target;
use promptly::domain::ticket::{Channel, Complexity, Customer, Kind, Priority, Status, Ticket};
use promptly::words::explain::extension_error;

/// Monday 2026-11-23 10:00 in Shanghai.
const OPENED: &str = "2026-11-23T02:00:00Z";
/// Tuesday 10:00 in Shanghai: every resolution target of the default policy is running.
const TUESDAY: &str = "2026-11-24T02:00:00Z";

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn ticket(kind: Kind) -> Ticket {
    Ticket {
        id: 1,
        title: "t".into(),
        description: String::new(),
        customer: Customer::default(),
        channel: Channel::Phone,
        kind,
        priority: Priority::Normal,
        complexity: Complexity::Ordinary,
        reference: String::new(),
        purchased_on: None,
        status: Status::Open,
        opened_at: utc(OPENED),
        updated_at: utc(OPENED),
        resolved_at: None,
        closed_at: None,
        version: 1,
        owner: String::new(),
    }
}

fn entry(log: &mut Vec<LogEntry>, at: &str, event: Event) {
    log.push(LogEntry {
        id: log.len() as i64 + 1,
        ticket_id: 1,
        at: utc(at),
        author: "agent".into(),
        event,
        body: String::new(),
    });
}

/// The intake entry, as the desk writes it.
fn opened(p: &Policy, kind: Kind) -> Vec<LogEntry> {
    let mut log = Vec::new();
    entry(
        &mut log,
        OPENED,
        Event::Opened {
            priority: Priority::Normal,
            kind,
            complexity: Complexity::Ordinary,
            targets: p.targets_for(Priority::Normal, kind, Complexity::Ordinary),
            calendars: PromiseTable::of(p).calendars(),
            table: None,
        },
    );
    log
}

fn extended(log: &mut Vec<LogEntry>, at: &str, by: &str) {
    entry(
        log,
        at,
        Event::Extended {
            metric: "resolution".into(),
            by: by.into(),
        },
    );
}

/// A kind change, re-targeting as the desk does.
fn kind_changed(p: &Policy, log: &mut Vec<LogEntry>, at: &str, from: Kind, to: Kind) {
    entry(
        log,
        at,
        Event::Field {
            field: "kind".into(),
            from: from.slug().into(),
            to: to.slug().into(),
            targets: Some(p.targets_for(Priority::Normal, to, Complexity::Ordinary)),
        },
    );
}

fn days(n: u32) -> Target {
    Target::WorkingDays(n)
}

#[test]
fn the_default_policy_refuses_to_extend_a_return_and_says_which_kinds_may() {
    let p = Policy::builtin();
    for kind in [Kind::Return, Kind::Enquiry, Kind::Complaint, Kind::Damage] {
        let t = ticket(kind);
        let log = opened(&p, kind);
        assert_eq!(
            check_extension(&p, &t, &log, "resolution", &days(1), utc(TUESDAY)),
            Err(ExtensionError::NotExtendableForKind {
                metric: "resolution".into(),
                kind,
                kinds: vec![Kind::Quality, Kind::Repair],
            }),
            "{kind}"
        );
    }
    let t = ticket(Kind::Return);
    let err = check_extension(&p, &t, &opened(&p, Kind::Return), "resolution", &days(1), utc(TUESDAY)).unwrap_err();
    assert_eq!(
        extension_error(&err, "en"),
        "extend: resolution cannot be extended for a return ticket; the policy allows extensions for: quality, repair"
    );
    assert_eq!(
        extension_error(&err, "zh-CN"),
        "延期：退换货工单的“resolution”不能延期；策略只允许以下类别延期：质量问题、维修"
    );
}

#[test]
fn repair_and_quality_resolution_extends_by_up_to_three_days_and_not_beyond() {
    let p = Policy::builtin();
    let now = utc(TUESDAY);
    for kind in [Kind::Repair, Kind::Quality] {
        let t = ticket(kind);
        let mut log = opened(&p, kind);
        assert_eq!(
            check_extension(&p, &t, &log, "resolution", &days(3), now),
            Ok(()),
            "{kind}"
        );
        assert_eq!(
            check_extension(&p, &t, &log, "resolution", &days(4), now),
            Err(ExtensionError::BeyondMaximum {
                metric: "resolution".into(),
                max: days(3),
                granted: None,
                asked: days(4),
            }),
            "{kind}"
        );
        extended(&mut log, "2026-11-23T08:00:00Z", "2d");
        assert_eq!(check_extension(&p, &t, &log, "resolution", &days(1), now), Ok(()));
        assert_eq!(
            check_extension(&p, &t, &log, "resolution", &days(2), now),
            Err(ExtensionError::BeyondMaximum {
                metric: "resolution".into(),
                max: days(3),
                granted: Some(days(2)),
                asked: days(2),
            }),
            "{kind}"
        );
        // The other metrics have no allowance for any kind.
        assert_eq!(
            check_extension(&p, &t, &log, "plan", &Target::hours(1), now),
            Err(ExtensionError::NotExtendable("plan".into()))
        );
    }
}

const BASE_WITH_NONE: &str = r#"
[calendars.shop]
timezone = "UTC"
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]

[metrics.resolution]
stop = "resolved"
target = "5d"
max_extension = "2d"
[metrics.resolution.max_extension_kinds]
return = "none"
repair = "4d"
"#;

#[test]
fn a_none_override_refuses_one_kind_under_a_base_allowance() {
    let p = Policy::parse(BASE_WITH_NONE, "p.toml").unwrap();
    let now = utc(TUESDAY);
    let enquiry = ticket(Kind::Enquiry);
    let log = opened(&p, Kind::Enquiry);
    assert_eq!(check_extension(&p, &enquiry, &log, "resolution", &days(2), now), Ok(()));
    assert!(matches!(
        check_extension(&p, &enquiry, &log, "resolution", &days(3), now),
        Err(ExtensionError::BeyondMaximum {
            max: Target::WorkingDays(2),
            ..
        })
    ));
    let repair = ticket(Kind::Repair);
    let log = opened(&p, Kind::Repair);
    assert_eq!(check_extension(&p, &repair, &log, "resolution", &days(4), now), Ok(()));
    let ret = ticket(Kind::Return);
    let log = opened(&p, Kind::Return);
    let all_but_return: Vec<Kind> = Kind::ALL.iter().copied().filter(|k| *k != Kind::Return).collect();
    assert_eq!(
        check_extension(&p, &ret, &log, "resolution", &days(1), now),
        Err(ExtensionError::NotExtendableForKind {
            metric: "resolution".into(),
            kind: Kind::Return,
            kinds: all_but_return,
        })
    );
}

#[test]
fn the_kind_that_counts_is_the_kind_at_now() {
    let p = Policy::builtin();
    let changed = "2026-11-24T06:00:00Z";
    let before = utc(TUESDAY);
    let after = utc("2026-11-24T07:00:00Z");

    // Opened as a return, made a repair on Tuesday afternoon: the row already says repair.
    let mut log = opened(&p, Kind::Return);
    kind_changed(&p, &mut log, changed, Kind::Return, Kind::Repair);
    let t = ticket(Kind::Repair);
    assert!(matches!(
        check_extension(&p, &t, &log, "resolution", &days(1), before),
        Err(ExtensionError::NotExtendableForKind { kind: Kind::Return, .. })
    ));
    assert_eq!(check_extension(&p, &t, &log, "resolution", &days(1), after), Ok(()));

    // And the other way round.
    let mut log = opened(&p, Kind::Repair);
    kind_changed(&p, &mut log, changed, Kind::Repair, Kind::Return);
    let t = ticket(Kind::Return);
    assert_eq!(check_extension(&p, &t, &log, "resolution", &days(1), before), Ok(()));
    assert!(matches!(
        check_extension(&p, &t, &log, "resolution", &days(1), after),
        Err(ExtensionError::NotExtendableForKind { kind: Kind::Return, .. })
    ));
}
