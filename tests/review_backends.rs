//! Breach review and the supervisor's figures through the desk, the same calls on SQLite and
//! on PostgreSQL (when `PROMPTLY_TEST_PG` names a server; without one the PostgreSQL test
//! prints SKIPPED and checks nothing): deadlines pass, breaches are judged one at a time and
//! several at once, one judgement is amended, housekeeping auto-closes and draws a callback
//! sample, a callback is recorded; then the review queue (pages either way, every filter, the
//! counts per filter value), the judgements, and the KPIs and reports of a day, a week and a
//! month come out the same from both. The SQLite test pins the figures themselves.

#[path = "common/pg.rs"]
pub mod pg;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::{Desk, DeskError, FollowUp, Housekeeping, Judging};
use promptly::domain::callback::{CallOutcome, Month};
use promptly::domain::kpi::{Kpis, PeriodKind};
use promptly::domain::log::{ContactMethod, Direction};
use promptly::domain::policy::Policy;
use promptly::domain::review::{
    Amount, Breach, BreachClass, Judgement, Openness, QueueCounts, QueueOrder, Remedy, Review, ReviewFilter,
};
use promptly::domain::ticket::{Customer, Kind, NewTicket, Priority, Status};
use promptly::store::{Access, Store};

/// Monday 2026-11-23 09:00 in Shanghai.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn hours(h: i64) -> DateTime<Utc> {
    t0() + Duration::hours(h)
}

fn desk_at(store: Store, at: DateTime<Utc>, author: &str) -> Desk {
    Desk::new(store, Policy::builtin(), Clock::frozen(at), author)
}

fn judgement(class: BreachClass, remedy: Remedy, amount: Option<i64>, reason: &str) -> Judgement {
    Judgement {
        class,
        reason: reason.into(),
        remedy,
        amount: amount.map(Amount),
        note: String::new(),
    }
}

const CALL: FollowUp = FollowUp::Contact {
    method: ContactMethod::Call,
    direction: Direction::Outbound,
};

/// The ids of the story's tickets.
struct Ids {
    kettle: i64,
    blender: i64,
    lid: i64,
    refund: i64,
    colour: i64,
}

/// Five tickets, their deadlines passing; judgements, an amendment, a bulk judgement; a
/// resolution auto-closed by housekeeping in December, which also draws November's callback
/// sample; a callback recorded. The store is handed back at the end, with the ids, what
/// housekeeping did and how many callbacks were due before the call.
fn story(store: Store) -> (Store, Ids, (Housekeeping, usize)) {
    let mut desk = desk_at(store, t0(), "li");
    let mut open = |title: &str, name: &str, kind: Kind, priority: Priority| {
        let mut t = NewTicket::titled(title);
        t.customer = Customer {
            name: name.into(),
            phone: "13812345678".into(),
            email: String::new(),
        };
        t.kind = kind;
        t.priority = priority;
        desk.open_ticket(&t, None).unwrap().id
    };
    let ids = Ids {
        kettle: open("电水壶不加热", "王小明", Kind::Quality, Priority::Urgent),
        blender: open("Blender lid cracked", "Zhao Lei", Kind::Damage, Priority::Normal),
        lid: open("Kettle LID loose", "kettle fan", Kind::Enquiry, Priority::Important),
        refund: open("Refund never came", "刘芳", Kind::Complaint, Priority::Normal),
        colour: open("Wrong colour sent", "Sun Mei", Kind::WrongItem, Priority::Normal),
    };

    // The kettle answered in time and planned; the blender answered half an hour late.
    let mut desk = desk_at(desk.into_store(), t0() + Duration::minutes(10), "li");
    desk.follow_up(ids.kettle, None, CALL, "called back").unwrap();
    desk.follow_up(ids.kettle, None, FollowUp::Plan, "new element").unwrap();
    let mut desk = desk_at(desk.into_store(), hours(1), "li");
    desk.follow_up(ids.blender, None, CALL, "called back late").unwrap();

    // Tuesday 11:00: the lid answered a day late, the blender's plan late too.
    let mut desk = desk_at(desk.into_store(), hours(26), "li");
    desk.follow_up(ids.lid, None, CALL, "called at last").unwrap();
    desk.follow_up(ids.blender, None, FollowUp::Plan, "send a new lid")
        .unwrap();

    // The supervisor judges, amends, and judges two more at once (one of them a running
    // clock gone late, never recorded at a write).
    let mut desk = desk_at(desk.into_store(), hours(27), "chen");
    let minor = judgement(BreachClass::Minor, Remedy::Apology, None, "half an hour, no loss");
    desk.judge(ids.blender, "first-response", None, &minor).unwrap();
    let major = judgement(BreachClass::Major, Remedy::Compensation, Some(5_000), "a whole day");
    desk.judge(ids.lid, "first-response", Some(1), &major).unwrap();
    let mut desk = desk_at(desk.into_store(), hours(28), "chen");
    let amended = judgement(
        BreachClass::Major,
        Remedy::Refund,
        Some(2_000),
        "the customer lost a sale",
    );
    desk.amend(ids.blender, "first-response", None, &amended).unwrap();
    let mut desk = desk_at(desk.into_store(), hours(29), "chen");
    let bulk = judgement(BreachClass::Minor, Remedy::None, None, "busy Monday");
    desk.judge_many(
        &[
            (ids.blender, "plan".into(), None),
            (ids.refund, "first-response".into(), None),
        ],
        &bulk,
        Judging::New,
    )
    .unwrap();
    // A breach judged already is refused as such, naming the judgement that stands.
    let again = desk.judge(ids.blender, "plan", Some(1), &minor);
    assert!(
        matches!(&again, Err(DeskError::AlreadyJudged { by, cycle: 1, .. }) if by == "chen"),
        "{again:?}"
    );

    // Wednesday: the kettle resolved (auto-closed a week later), the colour resolved and closed.
    let mut desk = desk_at(desk.into_store(), hours(49), "li");
    desk.change_status(ids.kettle, None, Status::Resolved, "element replaced")
        .unwrap();
    desk.change_status(ids.colour, None, Status::Resolved, "right colour sent")
        .unwrap();
    let mut desk = desk_at(desk.into_store(), hours(50), "li");
    desk.close(ids.colour, None, "customer has it", "").unwrap();

    // December 3: housekeeping closes the kettle and draws November's sample; the callback.
    let december = Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 0).unwrap();
    let mut desk = desk_at(desk.into_store(), december, "li");
    let kept = desk.housekeeping().unwrap();
    let due_before = desk.callbacks_due().unwrap();
    let mut desk = desk_at(desk.into_store(), december + Duration::hours(1), "chen");
    let reached = CallOutcome {
        reached: true,
        score: Some(4),
        comment: "happy".into(),
    };
    desk.record_callback(ids.colour, &reached).unwrap();
    (desk.into_store(), ids, (kept, due_before))
}

/// The filters the queue is read through: each field alone, and two together.
fn filters(ids: &Ids) -> Vec<ReviewFilter> {
    let tuesday = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
    vec![
        ReviewFilter::default(),
        ReviewFilter {
            metric: Some("plan".into()),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            priority: Some(Priority::Important),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            kind: Some(Kind::Complaint),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            status: Some(Openness::Open),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            status: Some(Openness::Closed),
            ..ReviewFilter::default()
        },
        // Case-insensitive in ASCII, in the title or the customer's name, `%` and `_` literal.
        ReviewFilter {
            text: Some("LID".into()),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            text: Some("kettle".into()),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            text: Some("刘".into()),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            text: Some("_".into()),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            from: Some(tuesday),
            to: Some(tuesday + Duration::days(1)),
            ..ReviewFilter::default()
        },
        ReviewFilter {
            ticket: Some(ids.refund),
            metric: Some("acknowledge".into()),
            ..ReviewFilter::default()
        },
    ]
}

/// The queue of `filter` read two at a time after the last breach seen, in `order`.
fn paged(desk: &Desk, filter: &ReviewFilter, order: QueueOrder) -> Vec<Breach> {
    let mut all = Vec::new();
    loop {
        let page = desk.review_page(filter, order, all.last(), 2).unwrap();
        let done = page.len() < 2;
        all.extend(page);
        if done {
            return all;
        }
    }
}

/// What the desk reads back: the queue under every filter (newest first, paged; its count),
/// the judgements, and the figures of a day, a week and two months, as text.
#[derive(Debug, PartialEq)]
struct Seen {
    queue: Vec<(Vec<Breach>, QueueCounts)>,
    backlog: usize,
    reviews: Vec<Vec<Review>>,
    callbacks: String,
    /// This month's queue (November's sample) not reached yet, just before and after the call.
    callbacks_due: (usize, usize),
    overdue: Vec<Breach>,
    /// The KPIs of the story's week and of December (the callback, the auto-close).
    week: Kpis,
    december: Kpis,
    /// Whole reports (KPIs, breaches with their class, awaiting judgement, judged, trend).
    figures: Vec<String>,
}

fn seen(store: Store, ids: &Ids, due_before: usize) -> Seen {
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 4, 0, 0).unwrap();
    let desk = desk_at(store, now, "chen");
    let mut queue = Vec::new();
    for filter in filters(ids) {
        let newest = paged(&desk, &filter, QueueOrder::NewestFirst);
        let mut oldest = paged(&desk, &filter, QueueOrder::OldestFirst);
        oldest.reverse();
        assert_eq!(newest, oldest, "either way, the same breaches: {filter:?}");
        assert_eq!(
            newest,
            desk.review_list(&filter, QueueOrder::NewestFirst, None).unwrap(),
            "{filter:?}"
        );
        assert!(newest.iter().all(|b| filter.admits(b)), "{filter:?}");
        let counts = desk.review_counts(&filter).unwrap();
        assert_eq!(counts.total, newest.len(), "{filter:?}");
        queue.push((newest, counts));
    }
    let reviews = [ids.kettle, ids.blender, ids.lid, ids.refund, ids.colour]
        .iter()
        .map(|&id| desk.reviews_of(id).unwrap())
        .collect();
    let day = NaiveDate::from_ymd_opt(2026, 11, 24);
    let figures = vec![
        format!("{:#?}", desk.report(PeriodKind::Day, day).unwrap()),
        format!("{:#?}", desk.report(PeriodKind::Week, day).unwrap()),
        format!("{:#?}", desk.report(PeriodKind::Month, day).unwrap()),
        format!("{:#?}", desk.report(PeriodKind::Month, None).unwrap()),
    ];
    Seen {
        queue,
        backlog: desk.review_count().unwrap(),
        reviews,
        callbacks_due: (due_before, desk.callbacks_due().unwrap()),
        callbacks: format!("{:#?}", desk.callbacks(Some(Month::of(day.unwrap()))).unwrap()),
        overdue: desk.overdue_now().unwrap(),
        week: desk.kpis(desk.period(PeriodKind::Week, day)).unwrap(),
        december: desk.kpis(desk.period(PeriodKind::Month, None)).unwrap(),
        figures,
    }
}

fn on_sqlite() -> (Ids, Housekeeping, Seen) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.db");
    let (store, ids, (kept, due_before)) = story(Store::open(&path, Access::Create).unwrap());
    drop(store);
    let seen = seen(Store::open(&path, Access::ReadOnly).unwrap(), &ids, due_before);
    (ids, kept, seen)
}

/// A queue's breaches by ticket and metric.
fn keys(q: &[Breach]) -> Vec<(i64, &str)> {
    q.iter().map(|b| (b.ticket_id, b.metric.as_str())).collect()
}

/// Judgements by metric: class, remedy, amount and how late.
fn classes(r: &[Review]) -> Vec<(&str, BreachClass, Remedy, Option<Amount>, i64)> {
    r.iter()
        .map(|r| {
            let j = &r.judgement;
            (r.metric.as_str(), j.class, j.remedy, j.amount, r.late_secs)
        })
        .collect()
}

/// The figures on SQLite, pinned: what PostgreSQL must match.
#[test]
fn review_and_reports_on_sqlite() {
    let (ids, kept, seen) = on_sqlite();
    assert_eq!(kept.auto_closed, vec![ids.kettle]);
    let sampled = kept.sampled.unwrap();
    assert_eq!((sampled.closed, &sampled.picked[..]), (1, &[ids.colour][..]));
    let [
        all,
        plan,
        important,
        complaint,
        open,
        closed,
        lid_text,
        kettle,
        liu,
        underscore,
        tuesday,
        acknowledge,
    ] = &seen.queue[..]
    else {
        panic!("{:?}", seen.queue.len());
    };
    let (blender, lid, refund, colour) = (ids.blender, ids.lid, ids.refund, ids.colour);
    // Newest deadline first: the resolutions (three shop days), then the plans and the
    // complaint's acknowledgement (a day round the clock), the colour's first response last.
    assert_eq!(
        keys(&all.0),
        [
            (lid, "resolution"),
            (blender, "resolution"),
            (colour, "plan"),
            (refund, "plan"),
            (refund, "acknowledge"),
            (lid, "plan"),
            (colour, "first-response"),
        ]
    );
    let total = |q: &(Vec<Breach>, QueueCounts)| q.1.total;
    assert_eq!(
        all.1.by_metric,
        [
            ("acknowledge".to_string(), 1),
            ("first-response".to_string(), 1),
            ("plan".to_string(), 3),
            ("resolution".to_string(), 2)
        ]
    );
    assert_eq!(all.1.by_priority, [(Priority::Important, 2), (Priority::Normal, 5)]);
    assert_eq!(
        all.1.by_kind,
        [
            (Kind::Damage, 1),
            (Kind::WrongItem, 2),
            (Kind::Enquiry, 2),
            (Kind::Complaint, 2)
        ]
    );
    assert_eq!(all.1.by_status, [(Openness::Open, 5), (Openness::Closed, 2)]);
    assert_eq!(keys(&plan.0), [(colour, "plan"), (refund, "plan"), (lid, "plan")]);
    assert_eq!(keys(&important.0), [(lid, "resolution"), (lid, "plan")]);
    assert_eq!(keys(&complaint.0), [(refund, "plan"), (refund, "acknowledge")]);
    assert_eq!((total(open), total(closed)), (5, 2));
    assert_eq!(keys(&closed.0), [(colour, "plan"), (colour, "first-response")]);
    // "LID" finds "Blender lid cracked" and "Kettle LID loose"; "kettle" the lid's title and
    // its customer "kettle fan", never the 电水壶 (judged in time); "_" is no wildcard.
    assert_eq!(
        keys(&lid_text.0),
        [(lid, "resolution"), (blender, "resolution"), (lid, "plan")]
    );
    assert_eq!(keys(&kettle.0), [(lid, "resolution"), (lid, "plan")]);
    assert_eq!(keys(&liu.0), keys(&complaint.0));
    assert_eq!(total(underscore), 0);
    assert_eq!(total(tuesday), 4, "deadlines on Tuesday (UTC)");
    assert_eq!(keys(&acknowledge.0), [(refund, "acknowledge")]);
    assert_eq!(seen.backlog, 7);
    assert_eq!(
        seen.overdue.len(),
        6,
        "the colour's first response stopped when it was resolved"
    );

    // The judgements that count: the blender's first response amended to major with a
    // refund, its plan judged with the refund's first response at once, the lid's major.
    let [
        kettle_reviews,
        blender_reviews,
        lid_reviews,
        refund_reviews,
        colour_reviews,
    ] = &seen.reviews[..]
    else {
        panic!("{:?}", seen.reviews);
    };
    assert!(kettle_reviews.is_empty() && colour_reviews.is_empty());
    assert_eq!(
        classes(blender_reviews),
        [
            (
                "first-response",
                BreachClass::Major,
                Remedy::Refund,
                Some(Amount(2_000)),
                1_800
            ),
            ("plan", BreachClass::Minor, Remedy::None, None, 7_200),
        ]
    );
    assert_eq!(blender_reviews[0].judgement.reason, "the customer lost a sale");
    assert_eq!(
        classes(lid_reviews),
        [(
            "first-response",
            BreachClass::Major,
            Remedy::Compensation,
            Some(Amount(5_000)),
            91_800
        )]
    );
    assert_eq!(refund_reviews.len(), 1);
    assert_eq!(refund_reviews[0].judgement.reason, "busy Monday");

    // The week's figures and December's (the auto-close, the sample, the call).
    let w = &seen.week;
    assert_eq!((w.opened, w.resolved, w.closed, w.opened_now_resolved), (5, 2, 1, 2));
    assert_eq!((w.first_response.count, w.first_response.pending), (4, 1));
    assert_eq!(w.first_response.median_secs, Some(3_600));
    let (b, overall) = (w.breaches, w.overall());
    assert_eq!((b.total, b.minor, b.major, b.unjudged), (11, 2, 2, 7));
    assert_eq!((overall.due, overall.met), (14, 3));
    let d = &seen.december;
    assert_eq!((d.closed, d.callbacks_planned, d.callbacks_done), (1, 1, 1));
    assert_eq!((d.satisfaction_count, d.satisfaction_average), (1, Some(4.0)));
    assert_eq!(seen.callbacks_due, (1, 0), "the one sampled, then reached");
    assert!(seen.callbacks.contains("comment: \"happy\""), "{}", seen.callbacks);
}

#[test]
fn pg_review_and_reports_are_the_same_on_postgres() {
    let Some(s) = pg::scratch("pg_review_and_reports_are_the_same_on_postgres") else {
        return;
    };
    let (store, ids, (kept, due_before)) = story(pg::store(&s));
    drop(store);
    let on_pg = seen(pg::store(&s), &ids, due_before);
    let (_, kept_sqlite, on_sqlite) = on_sqlite();
    assert_eq!(kept, kept_sqlite, "housekeeping did the same");
    assert_eq!(on_pg.queue, on_sqlite.queue, "the queue under every filter, its counts");
    assert_eq!(on_pg.reviews, on_sqlite.reviews);
    assert_eq!((on_pg.backlog, &on_pg.overdue), (on_sqlite.backlog, &on_sqlite.overdue));
    assert_eq!(on_pg.callbacks, on_sqlite.callbacks);
    assert_eq!(on_pg.callbacks_due, on_sqlite.callbacks_due);
    assert_eq!((&on_pg.week, &on_pg.december), (&on_sqlite.week, &on_sqlite.december));
    for (pg, sqlite) in on_pg.figures.iter().zip(&on_sqlite.figures) {
        assert_eq!(pg, sqlite, "the report's figures");
    }
}
