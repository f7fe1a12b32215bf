//! The board's list: loading its rows from the desk, the views and the filter, moving the
//! selection.

use super::{ALL_LIMIT, Action, App, BOARD_CHROME, BoardRow, Form, LineInput, Mode, OwnerView, TicketScreen, View};
use crate::desk::{Desk, DeskError, LiveTicket};
use crate::domain::listing::ListQuery;
use crate::domain::ticket::Status;
use chrono::{DateTime, Utc};

impl App {
    pub(super) fn reload(&mut self, desk: &Desk) -> Result<(), DeskError> {
        self.reload_supervision(desk)?;
        let keep = self.selected_id();
        let query = ListQuery {
            statuses: vec![Status::Open, Status::Waiting, Status::Resolved],
            ..Default::default()
        };
        self.rows = desk.board_rows(&query)?;
        // New rows: their live states are computed afresh on the next refresh.
        self.live_span = None;
        self.all_rows = if self.view == View::All {
            let query = ListQuery {
                limit: Some(ALL_LIMIT),
                ..Default::default()
            };
            desk.board_rows(&query)?
        } else {
            Vec::new()
        };
        if let Some(screen) = &self.ticket {
            let id = screen.view.ticket.id;
            match desk.live_ticket(id) {
                Ok(live) => self.set_ticket(live),
                Err(DeskError::NotFound(_)) => {
                    self.ticket = None;
                    if matches!(self.mode, Mode::Ticket) {
                        self.mode = Mode::Board;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        self.recompute_shown(desk.now(), keep);
        Ok(())
    }

    /// Shows `live` on the ticket screen, keeping the scroll when it is the same ticket.
    pub(super) fn set_ticket(&mut self, live: LiveTicket) {
        let LiveTicket {
            view,
            warn_from,
            reviews,
            imported,
        } = live;
        let scroll = self
            .ticket
            .as_ref()
            .filter(|s| s.view.ticket.id == view.ticket.id)
            .map_or(0, |s| s.scroll);
        self.ticket = Some(TicketScreen {
            view,
            warn_from,
            reviews,
            imported,
            scroll,
        });
    }

    /// How many rows the current view has: while only the first page is loaded, the header's
    /// count for the view (the rows shown are a prefix of them).
    pub fn shown_total(&self) -> usize {
        let c = &self.counts;
        match self.view {
            _ if !self.partial || !self.filter.value().trim().is_empty() || self.owner_view != OwnerView::All => {
                self.shown.len()
            }
            View::Open => c.open,
            View::Waiting => c.waiting,
            View::Resolved => c.resolved,
            View::Overdue => c.breached,
            View::All => self.shown.len(),
        }
    }

    /// The rows the current view draws from.
    pub fn source(&self) -> &[BoardRow] {
        if self.view == View::All {
            &self.all_rows
        } else {
            &self.rows
        }
    }

    pub fn selected_row(&self) -> Option<&BoardRow> {
        self.shown.get(self.selected).and_then(|i| self.source().get(*i))
    }

    pub(super) fn selected_id(&self) -> Option<i64> {
        self.selected_row().map(|r| r.id)
    }

    pub(super) fn recompute_shown(&mut self, now: DateTime<Utc>, keep: Option<i64>) {
        let needle = self.filter.value().trim().to_lowercase();
        let (view, owners, me) = (self.view, self.owner_view, &self.me);
        self.shown = self
            .source()
            .iter()
            .enumerate()
            .filter(|(_, r)| view.admits(r, now) && owners.admits(&r.owner, me) && r.matches(&needle))
            .map(|(i, _)| i)
            .collect();
        if let Some(id) = keep
            && let Some(pos) = self
                .shown
                .iter()
                .position(|i| self.source().get(*i).is_some_and(|r| r.id == id))
        {
            self.selected = pos;
        }
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
        self.scroll_into_view();
    }

    /// Table rows that fit on screen.
    pub fn page(&self) -> usize {
        self.size.1.saturating_sub(BOARD_CHROME).max(1) as usize
    }

    pub(super) fn scroll_into_view(&mut self) {
        let page = self.page();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(self.shown.len().saturating_sub(1));
    }

    pub(super) fn update_board(&mut self, action: Action, desk: &mut Desk, now: DateTime<Utc>) {
        let last = self.shown.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::PageUp => self.selected = self.selected.saturating_sub(self.page()),
            Action::PageDown => self.selected = (self.selected + self.page()).min(last),
            Action::Quit => self.quit = true,
            // The prompt's own hint shows, not a notice left from before it opened (kept for `!`).
            Action::Filter => {
                self.notice = None;
                self.mode = Mode::Filter;
            }
            Action::Command => {
                self.notice = None;
                self.command = LineInput::default();
                self.mode = Mode::Command;
            }
            // Vi's n/N after a search: the next match below, wrapping round.
            Action::NextMatch if !self.shown.is_empty() => self.selected = (self.selected + 1) % self.shown.len(),
            Action::PrevMatch if !self.shown.is_empty() => {
                self.selected = self.selected.checked_sub(1).unwrap_or(last);
            }
            Action::Submit => self.mode = Mode::Board,
            Action::Cancel | Action::Back => {
                self.mode = Mode::Board;
                if !self.filter.value().is_empty() {
                    let keep = self.selected_id();
                    self.filter = LineInput::default();
                    self.recompute_shown(now, keep);
                }
            }
            Action::NextView => {
                let i = View::ALL.iter().position(|v| *v == self.view).unwrap_or(0);
                self.set_view(View::ALL[(i + 1) % View::ALL.len()], desk);
            }
            Action::ViewOpen => self.set_view(View::Open, desk),
            Action::ViewWaiting => self.set_view(View::Waiting, desk),
            Action::ViewOverdue => self.set_view(View::Overdue, desk),
            Action::ViewResolved => self.set_view(View::Resolved, desk),
            Action::ViewAll => self.set_view(View::All, desk),
            Action::OwnerView => self.cycle_owner_view(desk),
            Action::New => {
                let mut form = Form::new_ticket(self.lang);
                form.today = Some(desk.today());
                self.mode = Mode::Form(Box::new(form));
            }
            Action::Review => self.open_review(desk),
            Action::Dashboard => self.open_dashboard(desk),
            Action::Callbacks => self.open_callbacks(desk),
            Action::Open => {
                if let Some(id) = self.selected_id() {
                    self.open_ticket(id, desk);
                }
            }
            Action::Log
            | Action::Reply
            | Action::Status
            | Action::Priority
            | Action::Kind
            | Action::Extend
            | Action::Transfer
            | Action::Edit => {
                if let Some(id) = self.selected_id() {
                    self.open_ticket(id, desk);
                    if matches!(self.mode, Mode::Ticket) {
                        self.update_ticket(action, desk);
                    }
                }
            }
            _ => {}
        }
        self.scroll_into_view();
    }

    pub(super) fn set_view(&mut self, view: View, desk: &Desk) {
        if self.view == view {
            return;
        }
        self.view = view;
        self.selected = 0;
        self.offset = 0;
        if view == View::All {
            let now = desk.now();
            if let Err(e) = self.reload(desk) {
                self.tell_db_error(&e, now);
            }
        } else {
            self.all_rows = Vec::new();
            self.recompute_shown(desk.now(), None);
        }
    }
}
