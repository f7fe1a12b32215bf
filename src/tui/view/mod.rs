//! Drawing, one file per screen: pure functions of `&App` and `now`.

pub mod board;
pub mod callbacks;
pub mod dashboard;
pub mod help;
pub mod notices;
pub mod review;
pub mod status;
pub mod ticket;
