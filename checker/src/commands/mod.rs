//! The subcommands, one module each.

pub mod dev;
pub mod doctor;
pub mod grade;
pub mod hint;
pub mod list;
pub mod manifest;
pub mod python;
pub mod reset;
pub mod show;
pub mod strip;
pub mod verify;
pub mod watch;
