//! The commands of exercise 07/02: a batcher that waits on several channels
//! at once (`crossbeam::select!`) is told to flush or to stop through these.

/// A command for a batcher, on its control channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Send the values collected so far as a batch now (none if empty).
    Flush,
    /// Send what is left as a last batch, then return.
    Shutdown,
}
