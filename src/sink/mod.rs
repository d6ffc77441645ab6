//! Sinks: where events go when there is no terminal UI.

pub mod json;
pub mod table;

pub use json::JsonLines;
pub use table::Table;
