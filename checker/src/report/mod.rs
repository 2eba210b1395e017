//! Reporters: turn outcomes and events into what the learner reads.

pub mod chart;
pub mod classroom;
pub mod course_view;
pub mod grade_view;
pub mod junit;
pub mod live;
pub mod outcome_view;
pub mod timeline;
pub mod timeline_svg;
pub mod verify_view;
pub mod xml;
