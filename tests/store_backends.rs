//! The store functions written once through `store::db` (agents, `meta`, a ticket's
//! optimistic version), on both backends: SQLite always, PostgreSQL when `PROMPTLY_TEST_PG`
//! names a server (each test a schema of its own,
//! see `common/pg.rs`; without one a SKIPPED line and nothing checked). Also what a
//! PostgreSQL store refuses: SQLite's own operations answer `NotOnServer`, never a panic.

#[path = "common/pg.rs"]
pub mod pg;

use chrono::{DateTime, TimeZone, Utc};
use promptly::domain::agent::Role;
use promptly::domain::log::{ContactMethod, Direction, Event, NewEntry};
use promptly::domain::mail::{Attachment, MailDirection};
use promptly::domain::ticket::{Customer, Kind, NewTicket, Status, Ticket};
use promptly::store::mail::NewMail;
use promptly::store::{SqliteOnly, Store, StoreError};

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, hour, 0, 0).unwrap()
}

/// A store on the scratch schema: the test's URL with the schema first in the search path.
fn server_store(s: &pg::Scratch) -> Store {
    let store = pg::store(s);
    assert!(store.on_server());
    store
}

fn names_and_roles(store: &Store) -> Vec<(String, Role)> {
    store.agents().unwrap().into_iter().map(|a| (a.name, a.role)).collect()
}

/// Adding, changing, asking and removing agents, as the desk does it.
fn agents_round_trip(store: &mut Store) {
    assert!(store.agents().unwrap().is_empty());
    store
        .write(|tx| {
            assert_eq!(tx.role_of("li")?, (false, None), "an empty table names nobody");
            assert!(tx.may_supervise("anyone")?, "no supervisor named: anyone may");
            assert!(tx.put_agent("li", Role::Agent, at(9))?, "new");
            assert!(tx.put_agent("chen", Role::Agent, at(10))?);
            assert!(
                !tx.put_agent("li", Role::Supervisor, at(11))?,
                "a role changed, not a new agent"
            );
            assert_eq!(tx.role_of("li")?, (true, Some(Role::Supervisor)));
            assert_eq!(tx.role_of("nobody")?, (true, None));
            assert!(tx.may_supervise("li")?);
            assert!(!tx.may_supervise("chen")?, "an agent, once a supervisor is named");
            assert!(!tx.may_supervise("nobody")?);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(
        names_and_roles(store),
        [("chen".to_string(), Role::Agent), ("li".to_string(), Role::Supervisor)]
    );
    let li = store.agents().unwrap().into_iter().find(|a| a.name == "li").unwrap();
    assert_eq!(li.added_at, at(9), "a role change keeps when they were added");

    // A failed transaction leaves nothing behind.
    let failed = store.write(|tx| {
        tx.put_agent("王芳", Role::Agent, at(12))?;
        Err::<(), _>(StoreError::Corrupt("stop".into()))
    });
    assert!(failed.is_err());
    assert_eq!(store.agents().unwrap().len(), 2);

    store
        .write(|tx| {
            assert!(tx.put_agent("王芳", Role::Agent, at(12))?);
            assert!(tx.remove_agent("li")?);
            assert!(!tx.remove_agent("li")?, "already gone");
            assert!(tx.may_supervise("王芳")?, "the supervisor gone: anyone may again");
            assert_eq!(tx.role_of("王芳")?, (true, Some(Role::Agent)));
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(
        names_and_roles(store),
        [("chen".to_string(), Role::Agent), ("王芳".to_string(), Role::Agent)]
    );
}

/// `meta`, read and written the same way on both.
fn meta_round_trip(store: &mut Store) {
    assert_eq!(store.meta("policy_fingerprint").unwrap(), None);
    store
        .write(|tx| {
            tx.set_meta("policy_fingerprint", "abc")?;
            tx.set_meta("policy_fingerprint", "def")?;
            assert_eq!(tx.meta("policy_fingerprint")?.as_deref(), Some("def"));
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(store.meta("policy_fingerprint").unwrap().as_deref(), Some("def"));
}

/// A ticket added, then changed only against the version it was read at: a change made
/// against an older one is refused as changed elsewhere, and writes nothing.
fn versions_round_trip(store: &mut Store) {
    let mut new = NewTicket::titled("电水壶不加热");
    new.customer = Customer {
        name: "王小明".into(),
        phone: "13812345678".into(),
        email: "wang@example.cn".into(),
    };
    new.kind = Kind::Quality;
    new.purchased_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 15);
    let (first, second) = store
        .write(|tx| {
            let first = tx.insert_ticket(&new, "li", at(9))?;
            // The same customer again is the same row; a second ticket has an id of its own.
            let second = tx.insert_ticket(&new, "li", at(9))?;
            Ok::<_, StoreError>((first, second))
        })
        .unwrap();
    assert!(second > first && first > 0);
    let ticket = Ticket {
        id: first,
        title: new.title.clone(),
        description: new.description.clone(),
        customer: new.customer.clone(),
        channel: new.channel,
        kind: new.kind,
        priority: new.priority,
        complexity: new.complexity,
        reference: new.reference.clone(),
        purchased_on: new.purchased_on,
        status: Status::Open,
        opened_at: at(9),
        updated_at: at(9),
        resolved_at: None,
        closed_at: None,
        version: 1,
        owner: "li".into(),
    };
    let changed = |version: i64, status: Status| Ticket {
        version,
        status,
        updated_at: at(10),
        resolved_at: (status == Status::Resolved).then(|| at(10)),
        ..ticket.clone()
    };
    store
        .write(|tx| tx.update_ticket(&changed(2, Status::Waiting)))
        .unwrap();
    // Another writer read version 1 too: refused, and nothing of it kept.
    let stale = store.write(|tx| tx.update_ticket(&changed(2, Status::Resolved)));
    assert!(
        matches!(stale, Err(StoreError::Stale { ticket }) if ticket == first),
        "{stale:?}"
    );
    store
        .write(|tx| tx.update_ticket(&changed(3, Status::Resolved)))
        .unwrap();
    let unknown = store.write(|tx| {
        tx.update_ticket(&Ticket {
            id: second + 1,
            ..changed(2, Status::Open)
        })
    });
    assert!(matches!(unknown, Err(StoreError::Stale { .. })));
}

/// A mail row kept with its contact entry and read back every way intake and replies read
/// it: by ticket, by a Message-ID list, by id, its raw message, the customer by address.
fn mail_round_trip(store: &mut Store) {
    let mut new = NewTicket::titled("Re: kettle");
    new.customer.email = "Wang@Example.cn".into();
    let raw = "From: Wang <Wang@Example.cn>\r\nSubject: kettle\r\n\r\n水壶坏了\r\n".as_bytes();
    let attachments = [Attachment {
        name: "photo.jpg".into(),
        size: 2048,
        saved: None,
        reason: Some("too large".into()),
    }];
    let refs = ["a@x".to_string(), "b@x".to_string()];
    let (ticket, log_id, mail_id) = store
        .write(|tx| {
            let ticket = tx.insert_ticket(&new, "li", at(9))?;
            let entry = NewEntry {
                at: at(9),
                author: "li".into(),
                event: Event::Contact {
                    method: ContactMethod::Email,
                    direction: Direction::Inbound,
                },
                body: "水壶坏了".into(),
            };
            let log_id = tx.append(ticket, &entry)?;
            let mail_id = tx.insert_mail(&NewMail {
                message_id: "m1@example.cn",
                ticket_id: ticket,
                log_id,
                direction: MailDirection::In,
                at: at(9),
                from_addr: "Wang@Example.cn",
                from_name: "Wang",
                to_addr: "desk@shop.cn",
                subject: "kettle",
                in_reply_to: Some("b@x"),
                refs: &refs,
                attachments: &attachments,
                raw,
            })?;
            assert_eq!(tx.last_contact_id(ticket)?, Some(log_id));
            let found = tx.customer_by_email("wang@example.CN")?.expect("case-insensitive");
            assert_eq!(found.email, "Wang@Example.cn");
            assert_eq!(tx.customer_by_email("")?, None, "no address finds nobody");
            Ok::<_, StoreError>((ticket, log_id, mail_id))
        })
        .unwrap();
    let rows = store.mail_of_ticket(ticket).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.id, row.log_id, row.direction),
        (mail_id, log_id, MailDirection::In)
    );
    assert_eq!(
        (row.at, row.refs.as_slice(), row.in_reply_to.as_deref()),
        (at(9), &refs[..], Some("b@x"))
    );
    assert_eq!(row.attachments, attachments);
    assert_eq!(store.mail_by_message_id("m1@example.cn").unwrap().as_ref(), Some(row));
    let ids = ["unknown@x".to_string(), "m1@example.cn".to_string()];
    assert_eq!(store.mail_ticket_of(&ids).unwrap(), Some(ticket));
    assert_eq!(store.mail_ticket_of(&ids[..1]).unwrap(), None);
    assert_eq!(
        store.mail_raw(mail_id).unwrap().as_deref(),
        Some(raw),
        "gzip in and out"
    );
    // A Message-ID is taken once.
    let again = store.write(|tx| {
        tx.insert_mail(&NewMail {
            message_id: "m1@example.cn",
            ticket_id: ticket,
            log_id,
            direction: MailDirection::In,
            at: at(10),
            from_addr: "x@y",
            from_name: "",
            to_addr: "",
            subject: "",
            in_reply_to: None,
            refs: &[],
            attachments: &[],
            raw: b"",
        })
    });
    assert!(again.is_err());
    assert_eq!(store.mail_of_ticket(ticket).unwrap().len(), 1);
}

#[test]
fn on_sqlite() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(!store.on_server());
    agents_round_trip(&mut store);
    meta_round_trip(&mut store);
    versions_round_trip(&mut store);
    mail_round_trip(&mut store);
}

#[test]
fn pg_on_postgres() {
    let Some(s) = pg::scratch("pg_on_postgres") else {
        return;
    };
    let mut store = server_store(&s);
    agents_round_trip(&mut store);
    meta_round_trip(&mut store);
    versions_round_trip(&mut store);
    mail_round_trip(&mut store);
    // Opened again: the schema is Promptly's now and kept what was written.
    drop(store);
    let store = server_store(&s);
    assert_eq!(store.agents().unwrap().len(), 2);
}

#[test]
fn pg_sqlite_only_operations_are_refused_by_name_and_bulk_writes_work() {
    let Some(s) = pg::scratch("pg_sqlite_only_operations_are_refused_by_name_and_bulk_writes_work") else {
        return;
    };
    let mut store = server_store(&s);
    let refused = |r: Result<_, StoreError>| match r {
        Err(StoreError::NotOnServer(what)) => what,
        Err(e) => panic!("another error: {e}"),
        Ok(()) => panic!("done on PostgreSQL"),
    };
    assert_eq!(refused(store.limit_cache(1024)), SqliteOnly::Settings);
    let dest = std::env::temp_dir().join(format!("promptly-never-{}.db", std::process::id()));
    assert_eq!(refused(store.backup_into(&dest, &mut |_| {})), SqliteOnly::Backup);
    assert!(!dest.exists());
    // The bulk writer (demo, import) writes there through the desk's own rows: an empty
    // batch writes nothing, and a refused transaction around it leaves nothing either.
    store.bulk(|_| Ok::<_, StoreError>(())).unwrap();
    let refused_inside = store.write(|tx| {
        tx.put_agent("li", Role::Agent, at(9))?;
        assert_eq!(tx.bulk_insert(&[])?, Default::default());
        Err::<(), _>(StoreError::Stale { ticket: 1 })
    });
    assert!(matches!(refused_inside, Err(StoreError::Stale { ticket: 1 })));
    assert!(store.agents().unwrap().is_empty());
}
