//! The probe: what each encoder's layers know about the words said so far.

pub mod bank;

pub use bank::{Bank, Neighbour};
