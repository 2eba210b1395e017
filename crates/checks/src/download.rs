//! download checks (being written).
