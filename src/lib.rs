//! Promptly: a keyboard-first helpdesk. Layers, each knowing only those below it:
//! `tui`/`cli` (front ends) -> `desk` (use cases) -> `store` (SQL) -> `domain` (pure).
//! `clock` is the one reader of the real time; `config` says where things live.

pub mod app;
pub mod cli;
pub mod clock;
pub mod desk;
pub mod domain;
pub mod run;
pub mod store;
pub mod tui;
pub mod words;
