//! lost_updates checks (being written).
