//! The board's owner views (首问负责制): every ticket, the ones this agent owns, or the ones
//! nobody owns; `w` cycles them, on top of the status views.

use super::App;
use crate::desk::Desk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OwnerView {
    #[default]
    All,
    Mine,
    Unassigned,
}

impl OwnerView {
    pub fn next(self) -> OwnerView {
        match self {
            OwnerView::All => OwnerView::Mine,
            OwnerView::Mine => OwnerView::Unassigned,
            OwnerView::Unassigned => OwnerView::All,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OwnerView::All => "tui.owners_all",
            OwnerView::Mine => "tui.owners_mine",
            OwnerView::Unassigned => "tui.owners_unassigned",
        }
    }

    /// Whether a ticket owned by `owner` shows when `me` runs the board.
    pub fn admits(self, owner: &str, me: &str) -> bool {
        match self {
            OwnerView::All => true,
            OwnerView::Mine => owner == me,
            OwnerView::Unassigned => owner.is_empty(),
        }
    }
}

impl App {
    /// The next owner view, from the top of the list.
    pub(super) fn cycle_owner_view(&mut self, desk: &Desk) {
        self.owner_view = self.owner_view.next();
        self.selected = 0;
        self.offset = 0;
        self.recompute_shown(desk.now(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_views_cycle_and_admit_by_owner() {
        let v = OwnerView::default();
        assert_eq!(v.next().next().next(), v);
        assert!(OwnerView::Mine.admits("li", "li"));
        assert!(!OwnerView::Mine.admits("wang", "li"));
        assert!(OwnerView::Unassigned.admits("", "li"));
        assert!(!OwnerView::Unassigned.admits("li", "li"));
        assert!(OwnerView::All.admits("wang", "li"));
    }
}
