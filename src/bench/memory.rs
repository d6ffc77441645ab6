//! Resident memory of this process, from `/proc/self/status` (Linux; `None` elsewhere).

/// A `kB` field of `/proc/self/status`, in bytes.
fn status_bytes(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix(key))?;
    let kb: u64 = line
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Resident memory now (bytes).
pub fn rss_bytes() -> Option<u64> {
    status_bytes("VmRSS")
}

/// The highest resident memory so far (bytes).
pub fn peak_rss_bytes() -> Option<u64> {
    status_bytes("VmHWM")
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn peak_is_at_least_current_and_grows_with_touched_memory() {
        let now = super::rss_bytes().unwrap();
        // The high-water mark, read after, covers what was resident before.
        assert!(super::peak_rss_bytes().unwrap() >= now && now > 0);
        // Touch 64 MiB; the peak must cover it.
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let after = super::peak_rss_bytes().unwrap();
        assert!(after >= 64 << 20, "peak {after} after touching 64 MiB");
    }
}
