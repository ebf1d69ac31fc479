//! The embedded PostgreSQL between real processes: the `allmende` binary started as a
//! server and as commands on one data directory, killed, doubled, and faced with a stale
//! `postmaster.pid`. PostgreSQL's programs come from the machine (/usr/lib/postgresql).

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_allmende");
/// A page read from the database on every request.
const DB_PAGE: &str = "/api/v1/organisations";

/// A fresh data directory the `postgres` user can reach (the tests run as root).
fn data_dir() -> tempfile::TempDir {
    crate::fixtures::reachable_dir("allmende-proc-")
}

fn cluster_dir(data: &Path) -> PathBuf {
    data.join("postgres")
}

fn pid_file(data: &Path) -> PathBuf {
    cluster_dir(data).join("postmaster.pid")
}

/// The PID of the running postmaster, from its lock file.
fn postmaster_pid(data: &Path) -> i32 {
    let text = std::fs::read_to_string(pid_file(data)).expect("the cluster runs");
    text.lines().next().unwrap().trim().parse().unwrap()
}

/// `allmende` with the environment of these tests (no DATABASE_URL: the embedded cluster).
fn allmende(data: &Path, port: u16) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("DATABASE_URL")
        .env_remove("ALLMENDE_INDEX_DIR")
        .env_remove("ALLMENDE_PG_BIN")
        .env("ALLMENDE_DATA_DIR", data)
        .env("ALLMENDE_ADDR", format!("127.0.0.1:{port}"))
        .env("ALLMENDE_SITE_ROOT", data.join("no-site"))
        .env("ALLMENDE_DEMO", "off")
        .env("ALLMENDE_LOG", "info")
        .stdin(Stdio::null());
    cmd
}

/// Runs a command to its end (at most 60 s).
fn run(data: &Path, args: &[&str]) -> Output {
    let mut child = allmende(data, 9)
        .args(args)
        .env("ALLMENDE_PASSWORD", "Betrieb-Passwort-2026")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The output is a few lines: the pipes cannot fill up while we wait.
    let status = wait_for(&mut child, Duration::from_secs(60));
    let output = child
        .wait_with_output()
        .map(|o| Output { status, ..o })
        .unwrap();
    assert!(
        output.status.success(),
        "allmende {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Waits for the process to end (killing it and failing after `limit`).
fn wait_for(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status code of `GET path`, or `None` when nothing answers.
fn status_of(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// A running `allmende serve`; killed, and its cluster shut down, if a test fails midway.
struct Server {
    child: Option<Child>,
    port: u16,
    data: PathBuf,
    log: PathBuf,
}

impl Server {
    fn spawn(data: &Path, env: &[(&str, &Path)]) -> (Child, u16, PathBuf) {
        let port = free_port();
        let log = data.join(format!("serve-{port}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = allmende(data, port)
            .envs(env.iter().copied())
            .arg("serve")
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        (child, port, log)
    }

    /// Starts a server and waits until it answers; fails if it exits instead.
    fn start(data: &Path) -> Server {
        Self::start_with(data, &[])
    }

    /// [`Server::start`] with more environment variables.
    fn start_with(data: &Path, env: &[(&str, &Path)]) -> Server {
        let (child, port, log) = Self::spawn(data, env);
        let mut server = Server {
            child: Some(child),
            port,
            data: data.to_owned(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while status_of(port, "/healthz") != Some(200) {
            if let Some(status) = server.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "the server exited ({status}) at its start:\n{}",
                    server.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer within 30 s:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Option<u16> {
        status_of(self.port, path)
    }

    /// SIGTERM, and the exit status.
    fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        wait_for(&mut child, Duration::from_secs(30))
    }

    /// SIGKILL, as an operator's `kill -9` would.
    fn kill(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            stop_cluster(&self.data);
        }
    }
}

/// Shuts a left-over cluster down (SIGQUIT: PostgreSQL's immediate shutdown), if its
/// postmaster is still there.
fn stop_cluster(data: &Path) {
    let Ok(text) = std::fs::read_to_string(pid_file(data)) else {
        return;
    };
    let Some(pid) = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    else {
        return;
    };
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
    if cwd.as_deref() == cluster_dir(data).canonicalize().ok().as_deref() {
        // SAFETY: the process works in the test's own cluster: it is its postmaster.
        unsafe { libc::kill(pid, libc::SIGQUIT) };
    }
}

#[test]
fn a_command_beside_a_running_server_leaves_the_servers_database_running() {
    let data = data_dir();
    let data = data.path();
    // Alone, a command starts the cluster for itself and stops it when it is done.
    run(data, &["migrate"]);
    assert!(
        !pid_file(data).exists(),
        "the command stopped the cluster it started"
    );

    let server = Server::start(data);
    let postmaster = postmaster_pid(data);
    assert_eq!(server.get(DB_PAGE), Some(200));

    run(data, &["migrate"]);
    run(
        data,
        &[
            "admin",
            "create-user",
            "--email",
            "betrieb@beispielhausen.example",
            "--name",
            "Betrieb",
        ],
    );
    let created = run(
        data,
        &[
            "admin",
            "create-org",
            "--name",
            "Stadt Beispielhausen",
            "--kind",
            "stadt",
            "--admin",
            "betrieb@beispielhausen.example",
        ],
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    let slug = stdout.trim().rsplit(' ').next().unwrap().to_owned();
    // `reindex` asks the server, which owns the index, to rebuild it, and waits for it.
    let reindexed = run(data, &["reindex"]);
    let said = String::from_utf8_lossy(&reindexed.stdout);
    assert!(
        said.contains("baut ihn jetzt neu auf") && said.contains("Suchindex neu aufgebaut"),
        "{said}"
    );
    assert!(
        server.log().contains("search index built"),
        "the server rebuilt its index:\n{}",
        server.log()
    );

    assert_eq!(
        postmaster_pid(data),
        postmaster,
        "the server's cluster ran on throughout, never stopped or restarted"
    );
    assert_eq!(server.get(DB_PAGE), Some(200), "{}", server.log());
    assert_eq!(
        server.get(&format!("/api/v1/organisations/{slug}")),
        Some(200),
        "the server reads what the commands wrote"
    );
    let status = server.terminate();
    assert!(status.success(), "the server ended cleanly: {status}");
    assert!(
        !pid_file(data).exists(),
        "the server stopped its cluster on shutdown"
    );
}

#[test]
fn the_server_starts_at_the_first_attempt_after_it_and_its_database_were_killed() {
    let data = data_dir();
    let data = data.path();
    let server = Server::start(data);
    let postmaster = postmaster_pid(data);
    server.kill();
    // SAFETY: the test's own postmaster.
    assert_eq!(unsafe { libc::kill(postmaster, libc::SIGKILL) }, 0);

    let server = Server::start(data);
    assert_eq!(server.get(DB_PAGE), Some(200), "{}", server.log());
    assert_ne!(postmaster_pid(data), postmaster, "a new postmaster runs");
    let status = server.terminate();
    assert!(status.success(), "the server ended cleanly: {status}");
    assert!(!pid_file(data).exists(), "and stopped its cluster");
}

#[test]
fn a_stale_pid_file_naming_an_unrelated_process_is_set_aside_and_the_process_left_alone() {
    let data = data_dir();
    let data = data.path();
    run(data, &["migrate"]);
    assert!(!pid_file(data).exists());

    // An unrelated process of the cluster's own user, as PostgreSQL would find after a
    // crash when the old PID has been reused.
    let mut sleeper = Command::new("sleep");
    sleeper.arg("600");
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(cluster_dir(data)).unwrap());
    let group = std::os::unix::fs::MetadataExt::gid(&std::fs::metadata(cluster_dir(data)).unwrap());
    std::os::unix::process::CommandExt::uid(&mut sleeper, owner);
    std::os::unix::process::CommandExt::gid(&mut sleeper, group);
    let mut sleeper = sleeper.spawn().unwrap();
    let pid = sleeper.id() as i32;
    let cluster = cluster_dir(data).canonicalize().unwrap();
    let socket_lock = data.join("postgres-socket/.s.PGSQL.5432.lock");
    for (file, text) in [
        (pid_file(data), format!("{pid}\n{}\n", cluster.display())),
        (
            socket_lock.clone(),
            format!("{pid}\n{}\n", cluster.display()),
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        std::os::unix::fs::chown(&file, Some(owner), Some(group)).unwrap();
    }

    let server = Server::start(data);
    assert_eq!(server.get(DB_PAGE), Some(200), "{}", server.log());
    assert_ne!(postmaster_pid(data), pid);
    assert!(
        cluster_dir(data).join("postmaster.pid.stale").exists(),
        "the stale file was set aside, not deleted"
    );
    let status = server.terminate();
    assert!(status.success(), "the server ended cleanly: {status}");
    assert!(
        sleeper.try_wait().unwrap().is_none() && alive(pid),
        "the unrelated process was never signalled"
    );
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
}

#[test]
fn a_second_server_on_the_same_data_directory_is_refused_and_the_first_serves_on() {
    let data = data_dir();
    let data = data.path();
    let first = Server::start(data);
    let postmaster = postmaster_pid(data);

    let (mut second, _, log) = Server::spawn(data, &[]);
    let status = wait_for(&mut second, Duration::from_secs(20));
    let message = std::fs::read_to_string(log).unwrap();
    assert!(!status.success(), "the second server is refused: {message}");
    assert!(
        message.contains("läuft bereits ein Allmende-Server")
            && message.contains("already running on the data directory"),
        "with a message saying why: {message}"
    );

    assert_eq!(first.get(DB_PAGE), Some(200), "{}", first.log());
    assert_eq!(
        postmaster_pid(data),
        postmaster,
        "its cluster was not touched"
    );
    let status = first.terminate();
    assert!(status.success(), "the first server ended cleanly: {status}");
}

#[test]
fn the_server_restarts_its_database_when_the_postmaster_dies() {
    let data = data_dir();
    let data = data.path();
    let server = Server::start(data);
    let postmaster = postmaster_pid(data);
    // SAFETY: the test's own postmaster.
    assert_eq!(unsafe { libc::kill(postmaster, libc::SIGKILL) }, 0);

    let deadline = Instant::now() + Duration::from_secs(25);
    loop {
        let restarted = std::fs::read_to_string(pid_file(data))
            .ok()
            .and_then(|t| t.lines().next()?.trim().parse::<i32>().ok())
            .is_some_and(|pid| pid != postmaster && alive(pid));
        if restarted && server.get(DB_PAGE) == Some(200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the database came back within 25 s:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        server.log().contains("restarting it"),
        "the restart is logged: {}",
        server.log()
    );
    let status = server.terminate();
    assert!(status.success(), "the server ended cleanly: {status}");
    assert!(
        !pid_file(data).exists(),
        "and stopped the restarted cluster"
    );
}

/// Whether the server has closed `stream`: a read ends (end of stream or reset) instead of
/// waiting the full `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // An answer (e.g. 408) before the close is fine; read on to the end.
            Ok(_) => continue,
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

/// Half a request: the request line and one header, never the blank line.
fn half_sent(port: u16) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /loesungen HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    stream
}

#[test]
fn half_sent_requests_are_closed_and_sigterm_ends_the_server_within_ten_seconds() {
    let data = data_dir();
    let server = Server::start(data.path());
    let mut slow: Vec<TcpStream> = (0..300).map(|_| half_sent(server.port)).collect();
    // Others are served meanwhile.
    assert_eq!(server.get("/healthz"), Some(200));
    let started = Instant::now();
    // The header read timeout is 10 s; every half-sent request is closed soon after.
    for (i, stream) in slow.iter_mut().enumerate() {
        let left = Duration::from_secs(20).saturating_sub(started.elapsed());
        assert!(
            closed_within(stream, left.max(Duration::from_millis(100))),
            "half-sent request {i} still open after {:?}",
            started.elapsed()
        );
    }
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "closed too early"
    );

    // SIGTERM with slow clients connected: one half-sent request, one request whose body
    // never comes.
    let _lingering = half_sent(server.port);
    let mut body_pending = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    body_pending
        .write_all(
            b"POST /anmelden HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let status = server.terminate();
    let took = asked.elapsed();
    assert!(status.success(), "exit status {status}");
    assert!(
        took <= Duration::from_secs(10),
        "SIGTERM took {took:?} to end the server"
    );
}

/// `GET path` with its status, headers (lower-cased names) and body, or `None` when
/// nothing answers.
fn fetch(port: u16, path: &str) -> Option<(u16, String, String)> {
    fetch_with(port, path, "de")
}

/// [`fetch`] for a browser preferring `language`.
fn fetch_with(port: u16, path: &str, language: &str) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: {language}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.get(9..12)?.parse().ok()?;
    Some((status, head.to_lowercase(), body.to_owned()))
}

#[test]
fn without_its_database_the_server_answers_503_fast_and_recovers() {
    let data = data_dir();
    let data = data.path();
    let server = Server::start(data);
    // The first index is built in the background just after the start.
    wait_until(Duration::from_secs(30), || {
        server.get("/readyz") == Some(200)
    });
    let ready = fetch(server.port, "/readyz").expect("readyz answers");
    assert_eq!(ready.0, 200, "ready with its database: {}", ready.2);
    assert!(ready.2.contains("search_index"), "{}", ready.2);

    // The watchdog's restart fails while the configuration is set aside, so the database
    // stays down for the checks below; it comes back once the file is back.
    let conf = cluster_dir(data).join("postgresql.conf");
    let aside = cluster_dir(data).join("postgresql.conf.test-aside");
    std::fs::rename(&conf, &aside).unwrap();
    let postmaster = postmaster_pid(data);
    // SAFETY: the test's own postmaster; SIGQUIT is PostgreSQL's immediate shutdown.
    assert_eq!(unsafe { libc::kill(postmaster, libc::SIGQUIT) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(postmaster) {
        assert!(Instant::now() < deadline, "the postmaster stopped");
        std::thread::sleep(Duration::from_millis(50));
    }

    let started = Instant::now();
    let (status, head, body) = fetch(server.port, "/loesungen").expect("the page answers");
    let took = started.elapsed();
    assert_eq!(
        status,
        503,
        "the page without database: {head}\n{}",
        server.log()
    );
    assert!(head.contains("retry-after: 5"), "{head}");
    assert!(
        body.contains("Die Datenbank ist gerade nicht erreichbar"),
        "a German error page: {body}"
    );
    assert!(took <= Duration::from_secs(3), "answered in {took:?}");
    let (status, _, body) = fetch_with(server.port, "/loesungen", "en").expect("answers");
    assert_eq!(status, 503);
    assert!(
        body.contains("The database cannot be reached just now"),
        "an English error page for English browsers: {body}"
    );

    let (status, head, body) = fetch(server.port, "/api/v1/solutions").expect("the API answers");
    assert_eq!(status, 503, "the API without database: {body}");
    assert!(head.contains("retry-after: 5"), "{head}");
    assert!(head.contains("application/json"), "{head}");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        problem["error"]
            .as_str()
            .unwrap()
            .contains("nicht erreichbar"),
        "{body}"
    );

    let (status, _, body) = fetch(server.port, "/readyz").expect("readyz answers");
    assert_eq!(status, 503, "not ready without database: {body}");
    let readiness: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        readiness["failing"],
        serde_json::json!(["database"]),
        "{body}"
    );
    assert_eq!(server.get("/healthz"), Some(200), "alive all the same");

    std::fs::rename(&aside, &conf).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.get("/loesungen") != Some(200) || server.get("/readyz") != Some(200) {
        assert!(
            Instant::now() < deadline,
            "the database came back within 60 s:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let status = server.terminate();
    assert!(status.success(), "the server ended cleanly: {status}");
}

#[test]
fn a_database_url_refusing_connections_is_named_at_start_up() {
    let data = data_dir();
    let port = free_port();
    let output = allmende(data.path(), 9)
        .arg("migrate")
        .env(
            "DATABASE_URL",
            format!("postgres://allmende@127.0.0.1:{port}/katalog"),
        )
        .output()
        .unwrap();
    assert!(!output.status.success(), "no database, no migration");
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains(&format!("127.0.0.1:{port}/katalog"))
            && text.contains("nimmt keine Verbindung an")
            && text.contains("refuses connections"),
        "a bilingual message naming the host: {text}"
    );
    assert!(!text.contains("pool timed out"), "{text}");
}

/// A small tmpfs mounted for a test (we run as root), unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: PathBuf) -> SmallDisk {
        std::fs::create_dir_all(&at).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(&at)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "mounting a tmpfs failed: this test needs root (or CAP_SYS_ADMIN) to make a full disk"
        );
        SmallDisk(at)
    }

    /// Fills the disk to the last byte.
    fn fill(&self) -> PathBuf {
        let filler = self.0.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        let mut small = vec![0u8; 512];
        while file.write_all(&block).is_ok() {}
        while file.write_all(&small).is_ok() {}
        small.truncate(1);
        while file.write_all(&small).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Whether the search API finds `slug` for `query`.
fn finds(server: &Server, query: &str, slug: &str) -> bool {
    fetch(server.port, &format!("/api/v1/search?q={query}"))
        .is_some_and(|(status, _, body)| status == 200 && body.contains(&format!("\"{slug}\"")))
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    done()
}

#[test]
fn a_full_disk_under_the_index_loses_no_entry_from_search_now_or_after_a_restart() {
    let data = data_dir();
    let data = data.path();
    let disk = SmallDisk::mount(data.join("index-disk"));
    let index_dir = disk.0.join("index");
    let server = Server::start_with(data, &[("ALLMENDE_INDEX_DIR", &index_dir)]);
    assert!(
        wait_until(Duration::from_secs(30), || server.get("/readyz")
            == Some(200)),
        "{}",
        server.log()
    );
    let filler = disk.fill();

    // The database is elsewhere: the import succeeds, but the index cannot commit it.
    let yaml = data.join("publiccode.yml");
    std::fs::write(
        &yaml,
        "publiccodeYmlVersion: \"0\"\nname: Füllstandsmelder\nurl: \"https://gitlab.opencode.de/fuellstand/melder.git\"\n\
         platforms: [web]\ndevelopmentStatus: stable\nsoftwareType: \"standalone/web\"\n\
         description:\n  de:\n    shortDescription: Füllstände von Altglascontainern melden\n    \
         longDescription: >\n      Bürgerinnen und Bürger melden volle Altglascontainer mit einem Klick; der Bauhof sieht \
         die Meldungen auf einer Karte und plant die Leerungen danach. Die Meldungen sind offen für alle.\n    \
         features: [Meldungen]\nlegal: {license: \"EUPL-1.2\"}\nmaintenance: {type: community, contacts: [{name: \"Bauhof Füllstand\"}]}\n\
         localisation: {localisationReady: true, availableLanguages: [de]}\n",
    )
    .unwrap();
    let imported = run(
        data,
        &[
            "import",
            "--org",
            "stadt-fuellstand",
            "--create-org",
            "Stadt Füllstand",
            yaml.to_str().unwrap(),
        ],
    );
    assert!(imported.status.success());
    assert!(
        wait_until(Duration::from_secs(20), || fetch(server.port, "/readyz")
            .is_some_and(
                |(status, _, body)| status == 503 && body.contains("updates failing")
            )),
        "readiness names the failing index updates"
    );
    assert!(!finds(&server, "Altglascontainer", "fuellstandsmelder"));

    // Space again: the writer is taken anew and the entry arrives without a restart.
    std::fs::remove_file(filler).unwrap();
    assert!(
        wait_until(Duration::from_secs(30), || finds(
            &server,
            "Altglascontainer",
            "fuellstandsmelder"
        )),
        "the entry is found once the disk has space:\n{}",
        server.log()
    );
    assert_eq!(server.get("/readyz"), Some(200));
    let log = server.log();
    assert!(
        log.matches("updating the search index failed").count() == 1,
        "the failure is logged once, not once per retry:\n{log}"
    );
    assert!(log.contains("the search index is updated again"), "{log}");
    assert!(server.terminate().success());

    let server = Server::start_with(data, &[("ALLMENDE_INDEX_DIR", &index_dir)]);
    assert!(
        wait_until(Duration::from_secs(30), || finds(
            &server,
            "Altglascontainer",
            "fuellstandsmelder"
        )),
        "after a restart too:\n{}",
        server.log()
    );
    assert!(server.terminate().success());
}
