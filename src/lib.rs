//! Promptly: a keyboard-first helpdesk. Layers, each knowing only those below it:
//! `tui`/`cli` (front ends) -> `desk` (use cases) -> `store` (SQL) -> `domain` (pure).

pub mod clock;
pub mod domain;
