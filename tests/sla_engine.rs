//! SLA clocks replayed from a ticket's log: pauses, reopens, re-targets, extensions,
//! recurring cycles, snapshots vs. policy edits, and the explanation.

use chrono::{DateTime, Utc};
use promptly::domain::log::{ContactMethod, Direction, Event, LogEntry, Targets};
use promptly::domain::policy::Policy;
use promptly::domain::sla::{ClockReading, ClockState, ExtensionError, check_extension, evaluate, explain};
use promptly::domain::target::Target;
use promptly::domain::ticket::{Channel, Complexity, Customer, Kind, Priority, Status, Ticket};

/// `PROPTEST_CASES` raises the number of cases for a longer run.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Weekdays 09:00-18:00 in UTC, so instants read the same as wall-clock times.
const POLICY: &str = r#"
[calendars.shop]
timezone = "UTC"
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]

[metrics.first-response]
stop = "first-outbound-contact"
target = { urgent = "1h", important = "2h", normal = "4h" }

[metrics.resolution]
stop = "resolved"
target = "3d"
max_extension = "3d"
[metrics.resolution.kinds]
repair = "7d"

[metrics.progress]
stop = "outbound-contact"
recurring = true
only_complex = true
target = "1d"
"#;

fn policy() -> Policy {
    Policy::parse(POLICY, "test.toml").unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn ticket(priority: Priority, kind: Kind, complexity: Complexity, opened: &str) -> Ticket {
    Ticket {
        id: 1,
        title: "t".into(),
        description: String::new(),
        customer: Customer::default(),
        channel: Channel::Phone,
        kind,
        priority,
        complexity,
        reference: String::new(),
        purchased_on: None,
        status: Status::Open,
        opened_at: utc(opened),
        updated_at: utc(opened),
        resolved_at: None,
        closed_at: None,
        version: 1,
        owner: String::new(),
    }
}

/// A log being written, as the desk would: opened with the policy's targets.
struct Log {
    entries: Vec<LogEntry>,
}

impl Log {
    fn opened(p: &Policy, t: &Ticket) -> Log {
        let mut log = Log { entries: Vec::new() };
        log.push(
            &t.opened_at.to_rfc3339(),
            Event::Opened {
                priority: t.priority,
                kind: t.kind,
                complexity: t.complexity,
                targets: p.targets_for(t.priority, t.kind, t.complexity),
                calendars: promptly::domain::promise::PromiseTable::of(p).calendars(),
                table: None,
            },
        );
        log
    }

    fn push(&mut self, at: &str, event: Event) -> &mut Self {
        let id = self.entries.len() as i64 + 1;
        self.entries.push(LogEntry {
            id,
            ticket_id: 1,
            at: utc(at),
            author: "agent".into(),
            event,
            body: String::new(),
        });
        self
    }

    fn status(&mut self, at: &str, from: Status, to: Status) -> &mut Self {
        self.push(at, Event::Status { from, to })
    }

    fn call_out(&mut self, at: &str) -> &mut Self {
        self.push(
            at,
            Event::Contact {
                method: ContactMethod::Call,
                direction: Direction::Outbound,
            },
        )
    }
}

/// `explain`'s steps in English words, as `promptly --lang en sla explain` prints them.
fn explained(p: &Policy, t: &Ticket, log: &[LogEntry], now: DateTime<Utc>) -> Vec<String> {
    promptly::words::explain::lines(&explain(p, t, log, now), p, "en")
}

fn clock<'a>(readings: &'a [ClockReading], metric: &str, cycle: u32) -> &'a ClockReading {
    readings
        .iter()
        .find(|r| r.metric == metric && r.cycle == cycle)
        .unwrap_or_else(|| panic!("no {metric} #{cycle} in {readings:#?}"))
}

#[test]
fn nine_hours_from_monday_nine_is_due_monday_evening() {
    let p = Policy::parse(
        &POLICY
            .replace("target = \"3d\"", "target = \"9h\"")
            .replace("max_extension = \"3d\"\n", "")
            .replace("repair = \"7d\"", "repair = \"9h\""),
        "test.toml",
    )
    .unwrap();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T09:00:00Z",
    );
    let log = Log::opened(&p, &t);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T13:30:00Z"));
    let res = clock(&r, "resolution", 1);
    assert_eq!(res.due_at, Some(utc("2026-03-02T18:00:00Z")));
    assert_eq!(res.elapsed_secs, 4 * 3600 + 1800);
    assert_eq!(res.remaining_secs, 4 * 3600 + 1800);
    assert_eq!(res.state, ClockState::Running);
}

#[test]
fn first_response_runs_warns_breaches_and_is_met() {
    let p = policy();
    let t = ticket(
        Priority::Urgent,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T17:30:00Z",
    );
    let mut log = Log::opened(&p, &t);
    // 1h urgent target from Monday 17:30: 30 min Monday, 30 min Tuesday -> due Tue 09:30.
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T17:40:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.target, "1h");
    assert_eq!(fr.due_at, Some(utc("2026-03-03T09:30:00Z")));
    assert_eq!(fr.state, ClockState::Running);
    // Overnight the clock stands still: at 08:00 Tuesday 30 min are used.
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-03T08:00:00Z"));
    assert_eq!(clock(&r, "first-response", 1).elapsed_secs, 1800);
    // Three quarters used at 09:15 -> warning.
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-03T09:15:00Z"));
    assert_eq!(clock(&r, "first-response", 1).state, ClockState::Warning);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-03T10:00:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.state, ClockState::Breached);
    assert!(fr.is_breached());
    assert_eq!(fr.breached_at, Some(utc("2026-03-03T09:30:00Z")));
    assert_eq!(fr.remaining_secs, -1800);
    // Met on time when the call comes first.
    log.call_out("2026-03-03T09:20:00Z");
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-05T12:00:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.state, ClockState::Met);
    assert_eq!(fr.met_at, Some(utc("2026-03-03T09:20:00Z")));
    assert!(!fr.is_breached());
    assert_eq!(fr.elapsed_secs, 3000);
    // Entries after `now` are not history yet.
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-03T09:10:00Z"));
    assert_eq!(clock(&r, "first-response", 1).met_at, None);
}

#[test]
fn pause_across_a_weekend_moves_the_due_by_paused_business_time_only() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-06T14:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    // Friday 14:00 + 4h would be Friday 18:00. Waiting from Fri 17:00 to Mon 10:00:
    // 1h Friday + 1h Monday of business time paused, the weekend costs nothing.
    log.status("2026-03-06T17:00:00Z", Status::Open, Status::Waiting);
    let during = evaluate(&p, &t, &log.entries, utc("2026-03-07T12:00:00Z"));
    let fr = clock(&during, "first-response", 1);
    assert_eq!(fr.state, ClockState::Paused);
    assert!(fr.paused);
    assert_eq!(fr.elapsed_secs, 3 * 3600);
    assert_eq!(fr.remaining_secs, 3600, "frozen while paused");
    log.status("2026-03-09T10:00:00Z", Status::Waiting, Status::Open);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-09T10:30:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.paused_secs, 2 * 3600);
    assert_eq!(fr.due_at, Some(utc("2026-03-09T11:00:00Z")));
    assert_eq!(fr.elapsed_secs, 3 * 3600 + 1800);
    assert_eq!(fr.state, ClockState::Warning);
}

#[test]
fn day_target_pause_pushes_the_close_by_paused_business_time() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T10:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    // 3d from Monday: Thursday 18:00. Waiting Tue 12:00-15:00 (3h) -> Friday 12:00.
    log.status("2026-03-03T12:00:00Z", Status::Open, Status::Waiting)
        .status("2026-03-03T15:00:00Z", Status::Waiting, Status::Open);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-04T12:00:00Z"));
    let res = clock(&r, "resolution", 1);
    assert_eq!(res.due_at, Some(utc("2026-03-06T12:00:00Z")));
    assert_eq!(res.paused_secs, 3 * 3600);
}

#[test]
fn day_target_started_on_a_saturday() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-07T10:00:00Z",
    );
    let log = Log::opened(&p, &t);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-07T11:00:00Z"));
    let res = clock(&r, "resolution", 1);
    // Saturday not counted; Mon, Tue, Wed -> Wednesday 18:00.
    assert_eq!(res.due_at, Some(utc("2026-03-11T18:00:00Z")));
    assert_eq!(res.elapsed_secs, 0);
}

#[test]
fn pause_after_the_due_does_not_undo_a_breach() {
    let p = policy();
    let t = ticket(
        Priority::Urgent,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T09:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    log.status("2026-03-02T11:00:00Z", Status::Open, Status::Waiting);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T15:00:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.due_at, Some(utc("2026-03-02T10:00:00Z")));
    assert!(fr.is_breached());
    assert_eq!(fr.state, ClockState::Breached);
}

#[test]
fn reopen_starts_a_new_resolution_cycle_and_keeps_the_old_outcome() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T10:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    log.call_out("2026-03-02T10:30:00Z")
        .status("2026-03-03T10:00:00Z", Status::Open, Status::Resolved)
        .status("2026-03-04T09:00:00Z", Status::Resolved, Status::Closed)
        .status("2026-03-10T11:00:00Z", Status::Closed, Status::Open);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-16T12:00:00Z"));
    let first = clock(&r, "resolution", 1);
    assert_eq!(first.state, ClockState::Met);
    assert_eq!(first.met_at, Some(utc("2026-03-03T10:00:00Z")));
    assert!(!first.is_breached());
    let second = clock(&r, "resolution", 2);
    assert_eq!(second.started_at, utc("2026-03-10T11:00:00Z"));
    assert_eq!(second.due_at, Some(utc("2026-03-13T18:00:00Z")));
    assert_eq!(second.state, ClockState::Breached);
    // First response was met by its own event: no new cycle.
    assert!(!r.iter().any(|c| c.metric == "first-response" && c.cycle == 2));
    assert_eq!(clock(&r, "first-response", 1).met_at, Some(utc("2026-03-02T10:30:00Z")));
}

#[test]
fn priority_change_retargets_keeping_elapsed_time() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T09:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    // 4h normal; after 30 min it becomes urgent (1h): due 10:00, 30 min already used.
    log.push(
        "2026-03-02T09:30:00Z",
        Event::Field {
            field: "priority".into(),
            from: "normal".into(),
            to: "urgent".into(),
            targets: Some(p.targets_for(Priority::Urgent, Kind::Enquiry, Complexity::Ordinary)),
        },
    );
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T09:45:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.target, "1h");
    assert_eq!(fr.started_at, utc("2026-03-02T09:00:00Z"));
    assert_eq!(fr.due_at, Some(utc("2026-03-02T10:00:00Z")));
    assert_eq!(fr.elapsed_secs, 45 * 60);
    assert_eq!(fr.remaining_secs, 15 * 60);
    assert_eq!(fr.state, ClockState::Warning);
    assert!(
        explained(&p, &t, &log.entries, utc("2026-03-02T09:45:00Z"))
            .iter()
            .any(|l| l.contains("re-targeted") && l.contains("4h -> 1h"))
    );
}

#[test]
fn kind_change_retargets_resolution_and_complexity_starts_progress() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T09:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    log.push(
        "2026-03-02T10:00:00Z",
        Event::Field {
            field: "kind".into(),
            from: "enquiry".into(),
            to: "repair".into(),
            targets: Some(p.targets_for(Priority::Normal, Kind::Repair, Complexity::Ordinary)),
        },
    )
    .push(
        "2026-03-02T11:00:00Z",
        Event::Field {
            field: "complexity".into(),
            from: "ordinary".into(),
            to: "complex".into(),
            targets: Some(p.targets_for(Priority::Normal, Kind::Repair, Complexity::Complex)),
        },
    );
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T12:00:00Z"));
    let res = clock(&r, "resolution", 1);
    assert_eq!(res.target, "7d");
    assert_eq!(res.due_at, Some(utc("2026-03-11T18:00:00Z")));
    let prog = clock(&r, "progress", 1);
    assert_eq!(prog.started_at, utc("2026-03-02T11:00:00Z"));
    assert_eq!(prog.due_at, Some(utc("2026-03-03T18:00:00Z")));
}

#[test]
fn recurring_progress_restarts_at_each_outbound_contact() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Repair,
        Complexity::Complex,
        "2026-03-02T09:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    log.call_out("2026-03-03T17:00:00Z")
        .push(
            "2026-03-04T10:00:00Z",
            Event::Contact {
                method: ContactMethod::Email,
                direction: Direction::Inbound,
            },
        )
        .call_out("2026-03-06T10:00:00Z");
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-06T12:00:00Z"));
    let c1 = clock(&r, "progress", 1);
    assert_eq!(c1.met_at, Some(utc("2026-03-03T17:00:00Z")));
    assert!(!c1.is_breached());
    // Cycle 2 from Tuesday 17:00 was due Wednesday 18:00; the inbound mail does not count.
    let c2 = clock(&r, "progress", 2);
    assert_eq!(c2.due_at, Some(utc("2026-03-04T18:00:00Z")));
    assert!(c2.is_breached());
    assert_eq!(c2.state, ClockState::Met);
    let c3 = clock(&r, "progress", 3);
    assert_eq!(c3.started_at, utc("2026-03-06T10:00:00Z"));
    assert_eq!(c3.state, ClockState::Running);
    // Resolving ends the recurring clock.
    log.status("2026-03-06T15:00:00Z", Status::Open, Status::Resolved);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-09T12:00:00Z"));
    assert_eq!(clock(&r, "progress", 3).state, ClockState::Met);
    assert!(!r.iter().any(|c| c.metric == "progress" && c.cycle == 4));
}

#[test]
fn extensions_add_working_days_up_to_the_maximum() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Repair,
        Complexity::Ordinary,
        "2026-03-02T10:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    let two: Target = "2d".parse().unwrap();
    let at = utc("2026-03-05T11:00:00Z");
    assert_eq!(check_extension(&p, &t, &log.entries, "resolution", &two, at), Ok(()));
    log.push(
        "2026-03-05T10:00:00Z",
        Event::Extended {
            metric: "resolution".into(),
            by: "2d".into(),
        },
    );
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-05T11:00:00Z"));
    let res = clock(&r, "resolution", 1);
    // 7d + 2d from Monday 03-02: nine working days -> Friday 03-13 18:00.
    assert_eq!(res.due_at, Some(utc("2026-03-13T18:00:00Z")));
    assert_eq!(res.extended, "2d");
    // 2d granted, 2d more would make 4d > 3d.
    let err = check_extension(&p, &t, &log.entries, "resolution", &two, at).unwrap_err();
    assert!(matches!(err, ExtensionError::BeyondMaximum { .. }));
    assert_eq!(
        promptly::words::explain::extension_error(&err, "en"),
        "extend: resolution may be extended by at most 3d per cycle; 2d already granted, 2d more would exceed it"
    );
    assert_eq!(
        promptly::words::explain::extension_error(&err, "zh-CN"),
        "延期：“resolution”每个周期最多延期3个工作日；已延期2个工作日，再延期2个工作日将超出上限"
    );
    assert_eq!(
        check_extension(&p, &t, &log.entries, "resolution", &Target::WorkingDays(1), at),
        Ok(())
    );
    assert!(matches!(
        check_extension(&p, &t, &log.entries, "resolution", &Target::hours(2), at),
        Err(ExtensionError::WrongUnit { .. })
    ));
    assert!(matches!(
        check_extension(&p, &t, &log.entries, "first-response", &two, at),
        Err(ExtensionError::NotExtendable(_))
    ));
    assert!(matches!(
        check_extension(&p, &t, &log.entries, "nonsense", &two, at),
        Err(ExtensionError::UnknownMetric(_))
    ));
    // Past the deadline, a breach stands: it is judged, not extended away.
    let late = utc("2026-03-16T09:00:00Z");
    assert!(matches!(
        check_extension(&p, &t, &log.entries, "resolution", &Target::WorkingDays(1), late),
        Err(ExtensionError::AlreadyBreached { .. })
    ));
    log.status("2026-03-06T10:00:00Z", Status::Open, Status::Resolved);
    assert!(matches!(
        check_extension(
            &p,
            &t,
            &log.entries,
            "resolution",
            &Target::WorkingDays(1),
            utc("2026-03-06T11:00:00Z")
        ),
        Err(ExtensionError::AlreadyMet(_))
    ));
}

#[test]
fn a_pause_begun_after_the_deadline_does_not_hide_the_breach() {
    let p = policy();
    // Opened Monday 09:00: first response (normal, 4h) is due 13:00; set waiting at 14:00.
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T09:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    log.status("2026-03-02T14:00:00Z", Status::Open, Status::Waiting);
    // Read at the instant of the pause (what the desk stores), during it, and a day later.
    for at in ["2026-03-02T14:00:00Z", "2026-03-02T14:30:00Z", "2026-03-03T10:00:00Z"] {
        let r = evaluate(&p, &t, &log.entries, utc(at));
        let fr = clock(&r, "first-response", 1);
        assert!(fr.is_breached(), "at {at}: {fr:?}");
        assert_eq!(fr.due_at, Some(utc("2026-03-02T13:00:00Z")), "at {at}");
        assert_eq!(fr.state, ClockState::Breached, "at {at}");
    }
}

#[test]
fn a_promise_made_is_kept_but_calendar_edits_apply() {
    let p = policy();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T10:00:00Z",
    );
    let log = Log::opened(&p, &t);
    // The policy tightens resolution to 1d and adds a holiday on Wednesday 03-04.
    let edited = Policy::parse(
        &POLICY
            .replace("target = \"3d\"", "target = \"1d\"")
            .replace("timezone = \"UTC\"", "timezone = \"UTC\"\nholidays = [\"2026-03-04\"]"),
        "test.toml",
    )
    .unwrap();
    let r = evaluate(&edited, &t, &log.entries, utc("2026-03-02T11:00:00Z"));
    let res = clock(&r, "resolution", 1);
    assert_eq!(res.target, "3d", "the snapshot wins");
    // Tue, (Wed holiday), Thu, Fri -> Friday 18:00.
    assert_eq!(res.due_at, Some(utc("2026-03-06T18:00:00Z")));
}

#[test]
fn a_metric_missing_from_an_older_snapshot_falls_back_to_the_policy_but_not_from_a_whole_promise() {
    let p = policy();
    let t = ticket(
        Priority::Important,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T10:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    // An older build recorded targets only (no calendars): what it left out comes from the policy.
    if let Event::Opened { targets, calendars, .. } = &mut log.entries[0].event {
        *targets = Targets::from([("resolution".to_string(), "2d".to_string())]);
        calendars.clear();
    }
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T11:00:00Z"));
    assert_eq!(clock(&r, "resolution", 1).target, "2d");
    assert_eq!(clock(&r, "first-response", 1).target, "2h");
    // A whole promise (with calendars) says what applies: a metric it leaves out does not.
    let mut log = Log::opened(&p, &t);
    if let Event::Opened { targets, .. } = &mut log.entries[0].event {
        *targets = Targets::from([("resolution".to_string(), "2d".to_string())]);
    }
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-02T11:00:00Z"));
    assert_eq!(clock(&r, "resolution", 1).target, "2d");
    assert!(r.iter().all(|c| c.metric != "first-response"), "{r:#?}");
}

#[test]
fn ticket_without_an_intake_entry_opens_from_the_row() {
    let p = policy();
    let t = ticket(
        Priority::Urgent,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-02T10:00:00Z",
    );
    let r = evaluate(&p, &t, &[], utc("2026-03-02T10:30:00Z"));
    let fr = clock(&r, "first-response", 1);
    assert_eq!(fr.due_at, Some(utc("2026-03-02T11:00:00Z")));
    assert_eq!(fr.elapsed_secs, 1800);
}

#[test]
fn builtin_policy_acknowledges_complaints_round_the_clock() {
    let p = Policy::builtin();
    // Friday 2026-03-06 17:50 Shanghai (09:50 UTC).
    let t = ticket(
        Priority::Normal,
        Kind::Complaint,
        Complexity::Ordinary,
        "2026-03-06T09:50:00Z",
    );
    let log = Log::opened(&p, &t);
    let r = evaluate(&p, &t, &log.entries, utc("2026-03-06T10:00:00Z"));
    assert_eq!(clock(&r, "acknowledge", 1).due_at, Some(utc("2026-03-07T09:50:00Z")));
    // First response: 10 min Friday, then 20 min on Saturday morning (09:00-12:00).
    assert_eq!(clock(&r, "first-response", 1).due_at, Some(utc("2026-03-07T01:20:00Z")));
    // Complaint answered within 15 working days; Saturday mornings count as working days.
    let res = clock(&r, "resolution", 1);
    assert_eq!(res.target, "15d");
    assert_eq!(res.due_at, Some(utc("2026-03-24T10:00:00Z")));
}

#[test]
fn explain_walks_spans_holidays_dst_pauses_and_extensions() {
    let text = r#"
[calendars.shop]
timezone = "Europe/Berlin"
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]
holidays = ["2026-03-30"]
[calendars.shop.overrides]
"2026-03-28" = ["10:00-12:00"]

[metrics.resolution]
stop = "resolved"
target = "2d"
max_extension = "2d"
"#;
    let p = Policy::parse(text, "test.toml").unwrap();
    let t = ticket(
        Priority::Normal,
        Kind::Enquiry,
        Complexity::Ordinary,
        "2026-03-27T10:00:00Z",
    );
    let mut log = Log::opened(&p, &t);
    log.status("2026-03-27T14:00:00Z", Status::Open, Status::Waiting)
        .status("2026-03-27T15:00:00Z", Status::Waiting, Status::Open)
        .push(
            "2026-03-31T08:00:00Z",
            Event::Extended {
                metric: "resolution".into(),
                by: "1d".into(),
            },
        );
    let now = utc("2026-03-31T09:00:00Z");
    let lines = explained(&p, &t, &log.entries, now);
    let all = lines.join("\n");
    assert!(
        lines[0].starts_with("resolution #1 (resolution): target 2d on calendar shop (Europe/Berlin)"),
        "{all}"
    );
    assert!(all.contains("the starting day 2026-03-27 is not counted"), "{all}");
    assert!(all.contains("open 2026-03-27 Fri 11:00-18:00 (7h)"), "{all}");
    assert!(all.contains("override 2026-03-28: 10:00-12:00"), "{all}");
    assert!(all.contains("holiday 2026-03-30: closed all day"), "{all}");
    assert!(
        all.contains("DST: at 2026-03-29 01:00 UTC the offset moves from +01:00 to +02:00"),
        "{all}"
    );
    assert!(
        all.contains("paused (waiting)") && all.contains(": 1h of business time"),
        "{all}"
    );
    assert!(all.contains("extended 2026-03-31 Tue 10:00:00 +02:00 by 1d"), "{all}");
    // 2d + 1d from Friday: Sat 28 (override), Tue 31, Wed 1 -> 18:00 CEST, plus the 1h pause.
    let r = evaluate(&p, &t, &log.entries, now);
    assert_eq!(clock(&r, "resolution", 1).due_at, Some(utc("2026-04-02T08:00:00Z")));
}

mod pauses_against_a_reference {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    /// The builtin shop calendar (lunch breaks, Saturday mornings, 2026 holidays and make-up
    /// days) with one clock whose target the test picks.
    fn policy_with(target: &str) -> Policy {
        let builtin = promptly::domain::policy::BUILTIN;
        let calendars = &builtin[..builtin.find("\n[metrics.").unwrap()];
        let text = format!("{calendars}\n[metrics.fix]\nstop = \"resolved\"\ntarget = \"{target}\"\n");
        Policy::parse(&text, "test.toml").unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(super::cases(100)))]

        /// The due is where open minutes outside pauses reach the budget, minute by minute;
        /// pauses after that instant change nothing.
        #[test]
        fn due_counts_business_time_outside_pauses(
            start_min in 0i64..14 * 24 * 60,
            target in prop_oneof![
                (1i64..=3 * 450).prop_map(|m| format!("{m}m")),
                (1u32..=3).prop_map(|d| format!("{d}d")),
            ],
            toggles in prop::collection::vec(1i64..3 * 24 * 60, 0..6),
        ) {
            let p = policy_with(&target);
            let cal = p.shop_calendar();
            // From Sunday 2026-09-20 (a make-up day) across National Day.
            let origin = utc("2026-09-19T16:00:00Z");
            let start = origin + Duration::minutes(start_min);
            let t = ticket(Priority::Normal, Kind::Other, Complexity::Ordinary, &start.to_rfc3339());
            let mut log = Log::opened(&p, &t);
            // Alternate waiting/open at increasing instants, ending open.
            let mut at = start;
            let mut waiting = false;
            let mut pauses: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
            let mut toggles = toggles;
            if toggles.len() % 2 == 1 {
                toggles.pop();
            }
            for gap in toggles {
                at += Duration::minutes(gap);
                let (from, to) = if waiting { (Status::Waiting, Status::Open) } else { (Status::Open, Status::Waiting) };
                log.status(&at.to_rfc3339(), from, to);
                if waiting {
                    if let Some(p) = pauses.last_mut() {
                        p.1 = at;
                    }
                } else {
                    pauses.push((at, at));
                }
                waiting = !waiting;
            }
            let now = at + Duration::days(60);
            let r = evaluate(&p, &t, &log.entries, now);
            let fix = clock(&r, "fix", 1);

            let parsed: Target = target.parse().unwrap();
            let budget_min = match parsed {
                Target::Business(s) => s / 60,
                Target::WorkingDays(n) => {
                    let base = cal.add_working_days(start, n).unwrap();
                    cal.business_between(start, base).num_minutes()
                }
            };
            let mut left = budget_min;
            let mut m = start;
            let expected = loop {
                let paused = pauses.iter().any(|(a, b)| *a <= m && m < *b);
                if cal.is_open(m) && !paused {
                    left -= 1;
                    if left == 0 {
                        break m + Duration::minutes(1);
                    }
                }
                m += Duration::minutes(1);
            };
            // One rule for the deadline instant: a pause that begins exactly at the due is in
            // time and holds the clock with nothing left, so it is due when the pause ends.
            let mut expected = expected;
            while let Some((_, end)) = pauses.iter().find(|(a, _)| *a == expected) {
                expected = *end;
            }
            prop_assert_eq!(fix.due_at, Some(expected));
            prop_assert_eq!(fix.elapsed_secs + fix.remaining_secs, budget_min * 60);
            prop_assert_eq!(fix.is_breached(), expected < now);
        }
    }
}

mod the_board_warns_when_the_engine_does {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    /// The builtin shop calendar (lunch breaks, Saturday mornings, holidays) with one clock.
    fn policy_with(target: &str, warn_at: f64) -> Policy {
        let builtin = promptly::domain::policy::BUILTIN;
        let calendars = &builtin[..builtin.find("\n[metrics.").unwrap()];
        let text =
            format!("{calendars}\n[metrics.fix]\nstop = \"resolved\"\ntarget = \"{target}\"\nwarn_at = {warn_at}\n");
        Policy::parse(&text, "test.toml").unwrap()
    }

    /// The board's warning instant for a clock as the store keeps it, read at `now`.
    fn board_warns_from(p: &Policy, t: &Ticket, log: &Log, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let r = evaluate(p, t, &log.entries, now);
        clock(&r, "fix", 1).to_stored().warning_from(p)
    }

    fn state_at(p: &Policy, t: &Ticket, log: &Log, at: DateTime<Utc>) -> ClockState {
        clock(&evaluate(p, t, &log.entries, at), "fix", 1).state
    }

    #[test]
    fn on_a_few_clocks() {
        let cases = [
            ("2h", 0.75, "2026-11-23T01:00:00Z", None),
            ("30m", 0.5, "2026-11-23T03:50:00Z", None),
            (
                "1h30m",
                0.8,
                "2026-11-23T09:20:00Z",
                Some(("2026-11-23T09:30:00Z", "2026-11-24T02:00:00Z")),
            ),
            (
                "3d",
                0.75,
                "2026-11-20T02:00:00Z",
                Some(("2026-11-21T01:30:00Z", "2026-11-23T02:00:00Z")),
            ),
            ("7d", 0.9, "2026-09-25T05:00:00Z", None),
        ];
        for (target, warn_at, opened, pause) in cases {
            let p = policy_with(target, warn_at);
            let t = ticket(Priority::Normal, Kind::Other, Complexity::Ordinary, opened);
            let mut log = Log::opened(&p, &t);
            let mut now = t.opened_at + Duration::minutes(1);
            if let Some((from, to)) = pause {
                log.status(from, Status::Open, Status::Waiting)
                    .status(to, Status::Waiting, Status::Open);
                now = utc(to) + Duration::minutes(1);
            }
            assert_eq!(
                state_at(&p, &t, &log, now),
                ClockState::Running,
                "{target} from {opened}"
            );
            let w = board_warns_from(&p, &t, &log, now).expect("a running clock warns at some instant");
            let due = clock(&evaluate(&p, &t, &log.entries, now), "fix", 1).due_at.unwrap();
            assert!(w > now && w < due, "{target}: warns {w}, due {due}");
            assert_eq!(
                state_at(&p, &t, &log, w - Duration::seconds(1)),
                ClockState::Running,
                "{target} before {w}"
            );
            assert_eq!(state_at(&p, &t, &log, w), ClockState::Warning, "{target} at {w}");
            // Read again later, the board keeps the same instant.
            let later = now + (w - now) / 2;
            assert_eq!(board_warns_from(&p, &t, &log, later), Some(w), "{target}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(super::cases(60)))]

        #[test]
        fn whatever_the_clock(
            start_min in 0i64..14 * 24 * 60,
            target in prop_oneof![
                (2i64..=3 * 450).prop_map(|m| format!("{m}m")),
                (1u32..=3).prop_map(|d| format!("{d}d")),
            ],
            warn_pct in 10u32..=95,
            pause in proptest::option::of((0i64..600, 1i64..2 * 24 * 60)),
        ) {
            let warn_at = f64::from(warn_pct) / 100.0;
            let p = policy_with(&target, warn_at);
            let start = utc("2026-09-19T16:00:00Z") + Duration::minutes(start_min);
            let t = ticket(Priority::Normal, Kind::Other, Complexity::Ordinary, &start.to_rfc3339());
            let mut log = Log::opened(&p, &t);
            let mut now = start;
            if let Some((after, length)) = pause {
                let (from, to) = (start + Duration::minutes(after), start + Duration::minutes(after + length));
                log.status(&from.to_rfc3339(), Status::Open, Status::Waiting)
                    .status(&to.to_rfc3339(), Status::Waiting, Status::Open);
                now = to;
            }
            prop_assume!(state_at(&p, &t, &log, now) == ClockState::Running);
            let w = board_warns_from(&p, &t, &log, now).unwrap();
            prop_assert!(w >= now);
            prop_assert_eq!(state_at(&p, &t, &log, w), ClockState::Warning);
            if w > now {
                prop_assert_eq!(state_at(&p, &t, &log, w - Duration::seconds(1)), ClockState::Running);
            }
        }
    }
}
