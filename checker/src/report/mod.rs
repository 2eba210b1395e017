//! Reporters: turn outcomes and events into what the learner reads.

pub mod chart;
pub mod course_view;
pub mod live;
pub mod outcome_view;
pub mod timeline;
pub mod timeline_svg;
pub mod verify_view;
