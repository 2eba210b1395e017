//! profile checks (being written).
