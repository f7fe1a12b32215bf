//! The mail table (migration 12): rows round-trip with their raw message, are found by
//! Message-ID, and are kept as received.

pub mod common;
use chrono::{TimeZone, Utc};
use promptly::clock::Clock;
use promptly::desk::Desk;
use promptly::domain::log::{ContactMethod, Direction, Event, NewEntry};
use promptly::domain::mail::{Attachment, MailDirection};
use promptly::domain::policy::Policy;
use promptly::domain::ticket::{Channel, Complexity, Customer, Kind, NewTicket, Priority};
use promptly::store::mail::NewMail;
use promptly::store::{Access, StoreError};

fn ticket() -> NewTicket {
    NewTicket {
        title: "水壶漏水".into(),
        description: String::new(),
        customer: Customer {
            name: "李雷".into(),
            phone: String::new(),
            email: "li@example.cn".into(),
        },
        channel: Channel::Email,
        kind: Kind::Quality,
        priority: Priority::Normal,
        complexity: Complexity::Ordinary,
        reference: String::new(),
        purchased_on: None,
    }
}

#[test]
fn a_mail_row_round_trips_threads_and_is_kept_as_received() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    let id = {
        let mut desk = Desk::new(
            common::store(&path, Access::Create).unwrap(),
            Policy::builtin(),
            Clock::frozen(now),
            "t",
        );
        desk.open_ticket(&ticket(), None).unwrap().id
    };
    let mut store = common::store(&path, Access::ReadWrite).unwrap();
    let raw = b"From: li@example.cn\r\nSubject: hi\r\n\r\nbody body body body body\r\n".repeat(20);
    let attachments = vec![Attachment {
        name: "big.zip".into(),
        size: 20_000_000,
        saved: None,
        reason: Some("too-large".into()),
    }];
    let refs = vec!["a@x".to_string(), "b@x".to_string()];
    store
        .write(|tx| -> Result<(), StoreError> {
            let log_id = tx.append(
                id,
                &NewEntry {
                    at: now,
                    author: "mail".into(),
                    event: Event::Contact {
                        method: ContactMethod::Email,
                        direction: Direction::Inbound,
                    },
                    body: "body".into(),
                },
            )?;
            tx.insert_mail(&NewMail {
                message_id: "m1@example.cn",
                ticket_id: id,
                log_id,
                direction: MailDirection::In,
                at: now,
                from_addr: "li@example.cn",
                from_name: "李雷",
                to_addr: "support@shop.cn",
                subject: "水壶漏水",
                in_reply_to: Some("b@x"),
                refs: &refs,
                attachments: &attachments,
                raw: &raw,
            })?;
            Ok(())
        })
        .unwrap();
    let rows = store.mail_of_ticket(id).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.message_id, "m1@example.cn");
    assert_eq!(row.direction, MailDirection::In);
    assert_eq!(row.at.to_rfc3339(), "2026-11-23T02:00:00+00:00");
    assert_eq!(row.refs, refs);
    assert_eq!(row.attachments, attachments);
    assert_eq!(store.mail_raw(row.id).unwrap().unwrap(), raw);
    assert_eq!(
        store
            .mail_ticket_of(&["nope@x".into(), "m1@example.cn".into()])
            .unwrap(),
        Some(id)
    );
    assert_eq!(store.mail_ticket_of(&["nope@x".into()]).unwrap(), None);
    assert!(store.mail_by_message_id("m1@example.cn").unwrap().is_some());

    // The same Message-ID twice is refused; a row cannot be changed or deleted.
    let twice = store.write(|tx| -> Result<i64, StoreError> {
        tx.insert_mail(&NewMail {
            message_id: "m1@example.cn",
            ticket_id: id,
            log_id: row.log_id,
            direction: MailDirection::In,
            at: now,
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
    assert!(twice.is_err());
    drop(store);
    assert!(common::try_sql(&path, "UPDATE mail SET subject = 'x'").is_err());
    assert!(common::try_sql(&path, "DELETE FROM mail").is_err());
    assert_eq!(common::number(&path, "SELECT count(*) FROM mail"), 1);
}
