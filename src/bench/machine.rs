//! The machine and build a benchmark ran on, read from the running system, so that results
//! from different boards can be compared (and told apart).

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The hardware and operating system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model (`/proc/cpuinfo`), or the board's model (device tree) on ARM boards.
    pub cpu: Option<String>,
    /// Board model from the device tree (e.g. "Raspberry Pi 4 Model B Rev 1.4").
    pub board: Option<String>,
    /// Logical cores available to this process.
    pub cores: usize,
    /// CPU frequency governor of core 0, where readable.
    pub governor: Option<String>,
    /// Highest frequency of core 0 (MHz), where readable.
    pub max_mhz: Option<f64>,
    /// SIMD features the CPU has that tract's kernels use.
    pub simd: Vec<String>,
    /// Operating system (`/etc/os-release`), else the OS family.
    pub os: String,
    /// Kernel release, where readable.
    pub kernel: Option<String>,
    /// CPU architecture (`x86_64`, `aarch64`, `arm`).
    pub arch: String,
    /// Total memory in bytes, where readable.
    pub memory_bytes: Option<u64>,
}

/// The binary that ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// Crate version.
    pub version: String,
    /// Git commit it was built from ("unknown" outside a checkout).
    pub commit: String,
    /// Target triple.
    pub target: String,
    /// `release` or `debug`.
    pub profile: String,
    /// Cargo features compiled in.
    pub features: Vec<String>,
    /// rustc that built it.
    pub rustc: String,
    /// Inference threads used.
    pub threads: usize,
    /// Size of the running executable in bytes.
    pub binary_bytes: Option<u64>,
}

fn read(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(Path::new(path)).ok()?;
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!text.is_empty()).then(|| text.to_string())
}

/// The value of the first `key : value` line of a `/proc`-style text.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// SIMD features of this CPU relevant to tract's kernels.
fn simd() -> Vec<String> {
    let mut found: Vec<&str> = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("sse4.1") {
            found.push("sse4.1");
        }
        if std::arch::is_x86_feature_detected!("avx") {
            found.push("avx");
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            found.push("avx2");
        }
        if std::arch::is_x86_feature_detected!("fma") {
            found.push("fma");
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            found.push("avx512f");
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        if std::arch::is_aarch64_feature_detected!("neon") {
            found.push("neon");
        }
        if std::arch::is_aarch64_feature_detected!("fp16") {
            found.push("fp16");
        }
        if std::arch::is_aarch64_feature_detected!("dotprod") {
            found.push("dotprod");
        }
        if std::arch::is_aarch64_feature_detected!("i8mm") {
            found.push("i8mm");
        }
    }
    #[cfg(target_arch = "arm")]
    let kernel_list = read("/proc/cpuinfo").and_then(|t| field(&t, "Features"));
    #[cfg(target_arch = "arm")]
    // 32-bit ARM: the kernel's feature list (runtime detection is unstable in std).
    found.extend(
        kernel_list
            .iter()
            .flat_map(|f| f.split_whitespace())
            .filter(|f| matches!(*f, "neon" | "vfpv4" | "asimd")),
    );
    found.into_iter().map(String::from).collect()
}

impl Machine {
    /// Reads this machine.
    pub fn detect() -> Self {
        let cpuinfo = read("/proc/cpuinfo").unwrap_or_default();
        let board = read("/proc/device-tree/model");
        let cpu = field(&cpuinfo, "model name")
            .or_else(|| field(&cpuinfo, "Model"))
            .or_else(|| field(&cpuinfo, "Hardware"))
            .or_else(|| board.clone());
        let freq = "/sys/devices/system/cpu/cpu0/cpufreq";
        let os = read("/etc/os-release")
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let memory_bytes = read("/proc/meminfo")
            .and_then(|t| field(&t, "MemTotal"))
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024);
        Self {
            cpu,
            board,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            governor: read(&format!("{freq}/scaling_governor")),
            max_mhz: read(&format!("{freq}/cpuinfo_max_freq"))
                .and_then(|v| v.parse::<f64>().ok())
                .map(|khz| khz / 1e3),
            simd: simd(),
            os,
            kernel: read("/proc/sys/kernel/osrelease"),
            arch: std::env::consts::ARCH.to_string(),
            memory_bytes,
        }
    }
}

impl Build {
    /// This binary, running with `threads` inference threads.
    pub fn current(threads: usize) -> Self {
        let mut features = Vec::new();
        if cfg!(feature = "ui") {
            features.push("ui".to_string());
        }
        if cfg!(feature = "mic") {
            features.push("mic".to_string());
        }
        Self {
            version: env!("CARGO_PKG_VERSION").to_string(),
            commit: env!("GROUNDPROBE_COMMIT").to_string(),
            target: env!("GROUNDPROBE_TARGET").to_string(),
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_string(),
            features,
            rustc: env!("GROUNDPROBE_RUSTC").to_string(),
            threads,
            binary_bytes: std::env::current_exe()
                .and_then(std::fs::metadata)
                .map(|m| m.len())
                .ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_proc_text() {
        let text = "processor\t: 0\nmodel name\t: Cortex-A72\nFeatures : fp asimd\n";
        assert_eq!(field(text, "model name").as_deref(), Some("Cortex-A72"));
        assert_eq!(field(text, "Features").as_deref(), Some("fp asimd"));
        assert_eq!(field(text, "Hardware"), None);
    }
}
