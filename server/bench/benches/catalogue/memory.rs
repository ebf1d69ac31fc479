//! The benchmark process's memory in phases: the peak resident set (`VmHWM`, reset by
//! writing `5` to `/proc/self/clear_refs`) and the peak of its anonymous part (`RssAnon`,
//! sampled every 20 ms), which leaves out the index files the search engine maps.
//!
//! The server runs in this process, so after the catalogue is generated (and its memory
//! freed) a reset makes the next peak the server's: the index build, or serving.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Peaks since the last [`Memory::reset`], in MiB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Peak {
    pub resident_mib: f64,
    pub anonymous_mib: f64,
}

/// Watches the process's memory from a background thread.
pub struct Memory {
    anon_peak_kb: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    /// Whether `clear_refs` accepted the reset (else the resident peak is the process's).
    resettable: bool,
}

fn status_kb(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

impl Memory {
    pub fn watch() -> Memory {
        let anon_peak_kb = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (peak, stop) = (anon_peak_kb.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(kb) = status_kb("RssAnon:") {
                        peak.fetch_max(kb, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        let resettable = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        Memory {
            anon_peak_kb,
            stop,
            resettable,
        }
    }

    /// Starts a new phase: both peaks begin again at the current values.
    pub fn reset(&self) {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        self.anon_peak_kb
            .store(status_kb("RssAnon:").unwrap_or(0), Ordering::Relaxed);
    }

    /// The peaks of the phase so far.
    pub fn peak(&self) -> Peak {
        let anon = status_kb("RssAnon:").unwrap_or(0);
        let anon = self
            .anon_peak_kb
            .fetch_max(anon, Ordering::Relaxed)
            .max(anon);
        Peak {
            resident_mib: status_kb("VmHWM:").unwrap_or(0) as f64 / 1024.0,
            anonymous_mib: anon as f64 / 1024.0,
        }
    }

    /// Whether the resident peak can be reset per phase on this system.
    pub fn resettable(&self) -> bool {
        self.resettable
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
