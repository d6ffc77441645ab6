//! Standard error sent to a log file while the live screen is up (the audio library
//! reports retries there, which would scribble over the screen).

/// Sends file descriptor 2 to `path` until the guard is dropped (a panic message still
/// reaches the real stderr).
#[cfg(unix)]
pub struct StderrRedirect {
    saved: i32,
}

#[cfg(unix)]
impl Drop for StderrRedirect {
    fn drop(&mut self) {
        // SAFETY: `saved` is a descriptor this process duplicated and still owns.
        unsafe {
            libc::dup2(self.saved, 2);
            libc::close(self.saved);
        }
    }
}

#[cfg(not(unix))]
pub fn stderr_to(_path: &std::path::Path) -> Option<()> {
    None
}

#[cfg(unix)]
pub fn stderr_to(path: &std::path::Path) -> Option<StderrRedirect> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::create(path).ok()?;
    // SAFETY: plain descriptor calls on descriptors this process owns; on failure
    // nothing is changed.
    unsafe {
        let saved = libc::dup(2);
        if saved < 0 {
            return None;
        }
        if libc::dup2(file.as_raw_fd(), 2) < 0 {
            libc::close(saved);
            return None;
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // SAFETY: puts the saved descriptor back on 2 (harmless if already closed).
            libc::dup2(saved, 2);
            previous(info);
        }));
        Some(StderrRedirect { saved })
    }
}
