//! thread_pool checks (being written).
