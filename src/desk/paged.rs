//! Pages of tickets read on this thread and visited on a second one, so reading and writing
//! share two cores in constant memory (`export`, `list --json`). Each page's clocks are
//! replayed by whichever thread has room; visited pages come back to be freed where they were
//! allocated.

use super::{DeskError, TicketView};
use crate::domain::policy::Policy;
use crate::domain::sla;
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many read pages may wait for the visitor.
pub const PAGES_AHEAD: usize = 2;

/// A ticket of a page, whose clocks the pipeline replays.
pub trait Paged: Send {
    fn view_mut(&mut self) -> &mut TicketView;

    /// Called on the reading thread after its replay: drops what the visitor does not need
    /// (held while the page waits; freed where it was allocated).
    fn replayed(&mut self) {}
}

/// A page on its way to the visitor; `replayed` when its clocks are read already.
struct Page<T> {
    tickets: Vec<T>,
    replayed: bool,
}

/// Each ticket's clocks as of `now` (as `show` has them).
fn replay<T: Paged>(policy: &Policy, tickets: &mut [T], now: DateTime<Utc>) {
    for t in tickets {
        let v = t.view_mut();
        v.clocks = sla::evaluate(policy, &v.ticket, &v.log, now);
    }
}

/// Runs `read` on this thread, which hands each page it reads (logs read, clocks not yet
/// replayed) to the function it is given until that returns false (the visitor stopped);
/// `visit` sees every ticket in page order on a second thread and stops at its first error.
/// At most [`PAGES_AHEAD`] pages wait. A page is replayed here when `here` says so for the
/// number of pages waiting for the visitor, else by the visitor's thread before it visits
/// (its own copy of `policy`, the same `now`: the same clocks).
pub(super) fn run<T: Paged, E: From<DeskError> + Send>(
    policy: &Policy,
    now: DateTime<Utc>,
    read: impl FnOnce(&mut dyn FnMut(Vec<T>) -> bool) -> Result<(), DeskError>,
    visit: impl FnMut(&T) -> Result<(), E> + Send,
    here: impl Fn(usize) -> bool,
) -> Result<(), E> {
    // The visitor's own copy: a policy's calendars remember dates as they go (not shared).
    let theirs = policy.clone();
    let waiting = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let (pages, inbox) = std::sync::mpsc::sync_channel::<Page<T>>(PAGES_AHEAD);
        // Visited pages come back to be freed where they were allocated: a free from the
        // other thread costs the visitor a fifth of its time in the allocator's locks.
        let (spent, used) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
        let waiting = &waiting;
        let visitor = s.spawn(move || {
            let mut visit = visit;
            for mut page in inbox {
                waiting.fetch_sub(1, Ordering::Relaxed);
                if !page.replayed {
                    replay(&theirs, &mut page.tickets, now);
                }
                page.tickets.iter().try_for_each(&mut visit)?;
                // When the reader has not taken the last one yet, this one is freed here.
                let _ = spent.try_send(page.tickets);
            }
            Ok(())
        });
        // A visitor that stopped (its error is returned below) hangs up: reading stops too.
        let read = read(&mut |mut tickets| {
            used.try_iter().for_each(drop);
            let replayed = here(waiting.load(Ordering::Relaxed));
            if replayed {
                replay(policy, &mut tickets, now);
                tickets.iter_mut().for_each(T::replayed);
            }
            waiting.fetch_add(1, Ordering::Relaxed);
            pages.send(Page { tickets, replayed }).is_ok()
        });
        drop(pages);
        let visited: Result<(), E> = visitor.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        visited?;
        read.map_err(E::from)
    })
}
