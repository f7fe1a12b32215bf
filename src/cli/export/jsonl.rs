//! An export as JSON Lines: one ticket per line in `show --json`'s schema (ticket, customer,
//! log, clocks), personal data masked unless asked for.

use super::Result;
use super::io_failed;
use super::table::Shape;
use crate::cli::json::{CustomerJson, LogEntryJson, TicketJson};
use crate::desk::Exported;
use std::io::Write;

/// Writes `e` as one line.
pub fn line(out: &mut impl Write, shape: &Shape, e: &Exported) -> Result<()> {
    let v = &e.view;
    let [name, phone, email] = shape.customer(&v.ticket.customer);
    let number = v.ticket.id.to_string();
    let (title, description) = (shape.free_text(&v.ticket.title), shape.free_text(&v.ticket.description));
    let json = TicketJson {
        external_id: Some(e.external_id.as_deref().unwrap_or(&number)),
        customer: CustomerJson {
            email: &email,
            name: &name,
            phone: &phone,
        },
        log: Some(
            v.log
                .iter()
                .map(|entry| {
                    let json = LogEntryJson::new(entry);
                    let body = match json.body {
                        std::borrow::Cow::Borrowed(body) => shape.free_text(body),
                        std::borrow::Cow::Owned(ref body) => shape.free_text(body).into_owned().into(),
                    };
                    LogEntryJson { body, ..json }
                })
                .collect(),
        ),
        title: &title,
        description: &description,
        ..TicketJson::new(&v.ticket, &v.clocks)
    };
    serde_json::to_writer(&mut *out, &json).map_err(|e| super::CliError::failed(e.to_string()))?;
    out.write_all(b"\n").map_err(io_failed)
}
