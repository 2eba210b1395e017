//! Single key presses without Enter: non-canonical terminal mode, restored
//! when dropped, and a thread that reads standard input byte by byte.

use std::io::Read;

/// The terminal in non-canonical, no-echo mode until dropped. Ctrl-C still
/// sends SIGINT (ISIG stays on), which the checker handles.
pub struct RawMode {
    original: libc::termios,
}

impl RawMode {
    /// Switches standard input's terminal to key-at-a-time input.
    pub fn enable() -> std::io::Result<RawMode> {
        // Safety: `termios` is plain data; tcgetattr fills it completely
        // before it is read, and fails cleanly if stdin is not a terminal.
        let original = unsafe {
            let mut original: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut original) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            original
        };
        let mut raw = original;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // Safety: `raw` is a valid termios copied from the terminal's own.
        if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(RawMode { original })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Safety: restores the settings read in `enable`.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &self.original);
        }
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
