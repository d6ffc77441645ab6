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

/// Before loading models: big allocations are mapped and unmapped one by one. glibc
/// otherwise raises its mmap threshold to the size of each big block freed, and serves
/// the next ones from the heap, whose freed pages stay resident: loading Whisper tiny.en
/// then peaks ≈ 16 MB higher (`groundprobe bench`, this x86 VM: peak RSS 82–85 MiB
/// against 67–68 with the threshold fixed). No effect off glibc.
pub fn begin_loading() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's policy for later allocations.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
    }
}

/// After loading models: the heap's free pages go back to the system (≈ 26 MB of freed
/// parse buffers with Whisper tiny.en: RSS after load 86 → 61 MiB), and big blocks come
/// from the heap again, to be reused per word (mapping each one costs the encoder ≈ 10%).
pub fn end_loading() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the kernel and mallopt changes the
    // policy for later allocations; no pointer is touched.
    unsafe {
        libc::malloc_trim(0);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
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
