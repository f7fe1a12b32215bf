//! Pure business logic: tickets, their log, calendars, SLA policy and clocks, KPIs.
//! No I/O, no SQL, no terminal, no reading the clock: time comes in as `now`.

pub mod agent;
pub mod calendar;
pub mod callback;
pub mod chain;
pub mod compose;
pub mod import;
pub mod kpi;
pub mod listing;
pub mod log;
pub mod mail;
pub mod policy;
pub mod privacy;
pub mod promise;
pub mod review;
pub mod sla;
pub mod target;
pub mod text;
pub mod ticket;
pub mod timestamp;
