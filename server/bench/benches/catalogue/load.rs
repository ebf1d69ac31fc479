//! Throughput under load: wrk with 16 connections (2 threads) for a few seconds, cycling
//! through a page kind's addresses with a small Lua script.

use std::net::SocketAddr;
use std::time::Duration;

/// Connections wrk keeps open.
pub const CONNECTIONS: u32 = 16;

/// What wrk measured.
#[derive(Debug, Clone)]
pub struct Load {
    /// How long wrk ran.
    pub seconds: u32,
    pub requests_per_second: f64,
    pub p99: Option<Duration>,
    /// Answers other than 2xx (3xx included) and socket errors (timeouts included).
    pub errors: u64,
}

/// Whether wrk is installed.
pub fn available() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok()
}

/// A Lua string literal.
fn lua_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The script: each wrk thread walks through the paths from its own starting point.
fn script(paths: &[String]) -> String {
    let list: Vec<String> = paths.iter().map(|p| lua_string(p)).collect();
    format!(
        "local paths = {{ {} }}\n\
         local i = 0\n\
         function setup(thread) thread:set(\"start\", math.random(#paths)) end\n\
         function init(args) i = tonumber(start) or 0 end\n\
         function request()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
        list.join(", ")
    )
}

/// `12.34ms`, `1.02s`, `850.00us`, `2.00m` as a duration.
fn parse_latency(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

fn number_after(text: &str, label: &str) -> u64 {
    text.split(label)
        .nth(1)
        .and_then(|rest| {
            rest.trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Runs wrk for `seconds` against `paths` (cycled); `None` when wrk is missing or its
/// output could not be read. Runs as a child process, so the server keeps both runtime
/// threads.
pub async fn run(
    addr: SocketAddr,
    paths: &[String],
    seconds: u32,
    dir: &std::path::Path,
) -> Option<Load> {
    let script_path = dir.join("paths.lua");
    std::fs::write(&script_path, script(paths)).ok()?;
    let output = tokio::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "60s",
            "--latency",
            "-s",
        ])
        .arg(&script_path)
        .arg(format!("http://{addr}/"))
        .output()
        .await
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let requests_per_second = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())?;
    // With no answer within the run, wrk prints a latency of 0.
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .and_then(parse_latency)
        .filter(|_| requests_per_second > 0.0);
    let non_2xx = number_after(&text, "Non-2xx or 3xx responses:");
    let socket = ["connect", "read", "write", "timeout"]
        .iter()
        .map(|kind| {
            text.lines()
                .find(|l| l.contains("Socket errors:"))
                .map_or(0, |l| number_after(l, kind))
        })
        .sum::<u64>();
    Some(Load {
        seconds,
        requests_per_second,
        p99,
        errors: non_2xx + socket,
    })
}
