//! Single key presses without Enter: non-canonical terminal mode, restored
//! when dropped, and a thread that reads standard input byte by byte.

use rustix::termios::{
    LocalModes, OptionalActions, SpecialCodeIndex, Termios, tcgetattr, tcsetattr,
};
use std::io::Read;

/// The terminal in non-canonical, no-echo mode until dropped. Ctrl-C still
/// sends SIGINT (ISIG stays on), which the checker handles.
pub struct RawMode {
    original: Termios,
}

impl RawMode {
    /// Switches standard input's terminal to key-at-a-time input. Fails if
    /// standard input is not a terminal.
    pub fn enable() -> std::io::Result<RawMode> {
        let original = tcgetattr(std::io::stdin())?;
        let mut raw = original.clone();
        raw.local_modes &= !(LocalModes::ICANON | LocalModes::ECHO);
        raw.special_codes[SpecialCodeIndex::VMIN] = 1;
        raw.special_codes[SpecialCodeIndex::VTIME] = 0;
        tcsetattr(std::io::stdin(), OptionalActions::Now, &raw)?;
        Ok(RawMode { original })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Restores the settings read in `enable`.
        let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &self.original);
    }
}

/// Reads standard input on a thread, calling `on_key` with each byte, and
/// with `None` once at end of input.
pub fn spawn_reader(mut on_key: impl FnMut(Option<u8>) + Send + 'static) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut byte = [0u8; 1];
        loop {
            match stdin.read(&mut byte) {
                Ok(1) => on_key(Some(byte[0])),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                _ => {
                    on_key(None);
                    return;
                }
            }
        }
    });
}
