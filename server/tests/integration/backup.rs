//! `allmende backup` and `allmende restore` between real processes on real PostgreSQL: a
//! catalogue backed up beside its running server and restored into a fresh data directory
//! has every entry, found by the API and the rebuilt search; an existing backup file is not
//! overwritten; a restore into a catalogue with entries, or under a running server, is
//! refused and changes nothing; `DATABASE_URL` works as well as the embedded cluster.

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use allmende_server::embedded_pg::EmbeddedPostgres;
use sqlx::PgPool;

const BIN: &str = env!("CARGO_BIN_EXE_allmende");

/// `allmende` on the embedded cluster in `data` (or on `DATABASE_URL` when given).
fn allmende(data: &Path, database_url: Option<&str>, port: u16) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("DATABASE_URL")
        .env_remove("ALLMENDE_INDEX_DIR")
        .env_remove("ALLMENDE_PG_BIN")
        .env("ALLMENDE_DATA_DIR", data)
        .env("ALLMENDE_ADDR", format!("127.0.0.1:{port}"))
        .env("ALLMENDE_SITE_ROOT", data.join("no-site"))
        .env("ALLMENDE_DEMO", "off")
        .env("ALLMENDE_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

/// Runs a command to its end (at most 120 s) and returns its output, whatever its status.
fn run(data: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    let mut child = allmende(data, database_url, 9)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("allmende {args:?} did not end within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs a command that must succeed; returns its stdout.
fn run_ok(data: &Path, database_url: Option<&str>, args: &[&str]) -> String {
    let output = run(data, database_url, args);
    assert!(
        output.status.success(),
        "allmende {args:?} failed: {}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs a command that must fail; returns what it said.
fn run_refused(data: &Path, database_url: Option<&str>, args: &[&str]) -> String {
    let output = run(data, database_url, args);
    assert!(
        !output.status.success(),
        "allmende {args:?} should have failed: {}",
        text(&output)
    );
    text(&output)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path`: the status and the body (`None` when nothing answers).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.get(9..12)?.parse().ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(body)
    } else {
        body.to_owned()
    };
    Some((status, body))
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// A running `allmende serve` on `data`; killed (and its cluster shut down) if a test fails.
struct Server {
    child: Option<Child>,
    port: u16,
    data: PathBuf,
    log: PathBuf,
}

impl Server {
    fn start(data: &Path) -> Server {
        let port = free_port();
        let log = data.join(format!("serve-{port}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = allmende(data, None, port)
            .env("ALLMENDE_LOG", "info")
            .arg("serve")
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut server = Server {
            child: Some(child),
            port,
            data: data.to_owned(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while get(port, "/healthz").map(|r| r.0) != Some(200) {
            if let Some(status) = server.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("the server exited ({status}):\n{}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer within 60 s:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn status(&self, path: &str) -> Option<u16> {
        get(self.port, path).map(|r| r.0)
    }

    /// The slugs of every entry of `kind` the search finds (empty query: everything).
    fn search_slugs(&self, kind: &str) -> BTreeSet<String> {
        let mut slugs = BTreeSet::new();
        for page in 1.. {
            let (status, body) = get(
                self.port,
                &format!("/api/v1/search?kind={kind}&per_page=100&page={page}"),
            )
            .expect("the server answers");
            assert_eq!(status, 200, "{body}");
            let results: serde_json::Value = serde_json::from_str(&body).unwrap();
            let hits = results["hits"].as_array().unwrap();
            if hits.is_empty() {
                break;
            }
            slugs.extend(hits.iter().map(|h| h["slug"].as_str().unwrap().to_owned()));
        }
        slugs
    }

    /// SIGTERM; waits for a clean end.
    fn stop(mut self) {
        let mut child = self.child.take().unwrap();
        // SAFETY: a signal to our own child process.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let status = child.wait().unwrap();
        assert!(
            status.success(),
            "the server ended cleanly:\n{}",
            self.log()
        );
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

/// Shuts a left-over cluster of a failed test down (SIGQUIT), if its postmaster is there.
fn stop_cluster(data: &Path) {
    let cluster = data.join("postgres");
    let Ok(text) = std::fs::read_to_string(cluster.join("postmaster.pid")) else {
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
    if cwd.as_deref() == cluster.canonicalize().ok().as_deref() {
        // SAFETY: the process works in the test's own cluster: it is its postmaster.
        unsafe { libc::kill(pid, libc::SIGQUIT) };
    }
}

/// Solution and data model slugs in the database of the embedded cluster in `data` (a
/// running one is used and left running; one started here is stopped again).
async fn embedded_slugs(data: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let bin = EmbeddedPostgres::find_bin_dir(None).expect("PostgreSQL is installed");
    let pg = EmbeddedPostgres::start(data, bin).await.unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .connect_with(pg.connect_options())
        .await
        .unwrap();
    let slugs = slugs(&pool).await;
    pool.close().await;
    pg.stop().await.unwrap();
    slugs
}

async fn slugs(pool: &PgPool) -> (BTreeSet<String>, BTreeSet<String>) {
    let solutions: Vec<String> = sqlx::query_scalar("select slug::text from solutions")
        .fetch_all(pool)
        .await
        .unwrap();
    let models: Vec<String> = sqlx::query_scalar("select slug::text from data_models")
        .fetch_all(pool)
        .await
        .unwrap();
    (
        solutions.into_iter().collect(),
        models.into_iter().collect(),
    )
}

fn modified(path: &Path) -> (u64, std::time::SystemTime) {
    let meta = std::fs::metadata(path).unwrap();
    (meta.len(), meta.modified().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_beside_a_running_server_restores_every_entry_into_a_fresh_data_directory() {
    let source = crate::fixtures::reachable_dir("allmende-backup-src-");
    let source = source.path();
    let target = crate::fixtures::reachable_dir("allmende-backup-dst-");
    let target = target.path();
    let dumps = tempfile::tempdir().unwrap();
    let file = dumps.path().join("katalog.dump");
    let file_arg = file.to_str().unwrap();

    run_ok(source, None, &["seed-demo"]);
    let server = Server::start(source);
    let (solutions, models) = embedded_slugs(source).await;
    assert!(
        solutions.len() > 10 && models.len() > 5,
        "the demo catalogue is there"
    );

    let said = run_ok(source, None, &["backup", file_arg]);
    assert!(
        said.contains(&format!("{} Lösungen", solutions.len()))
            && said.contains(&format!("{} Datenmodelle", models.len())),
        "the summary counts the entries: {said}"
    );
    assert_eq!(
        server.status("/api/v1/organisations"),
        Some(200),
        "the server ran on"
    );
    assert!(!dumps.path().join("katalog.dump.partial").exists());
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600,
        "the backup (with password hashes) is for its owner only"
    );

    // An existing file is not overwritten, unless asked to.
    let before = modified(&file);
    let refused = run_refused(source, None, &["backup", file_arg]);
    assert!(refused.contains("gibt es schon"), "{refused}");
    assert!(refused.contains("--force"), "{refused}");
    assert_eq!(modified(&file), before, "the file is untouched");
    run_ok(source, None, &["backup", "--force", file_arg]);
    server.stop();

    // The target has been migrated (an empty catalogue with its schema): it is replaced.
    run_ok(target, None, &["migrate"]);
    let said = run_ok(target, None, &["restore", file_arg]);
    assert!(
        said.contains(&format!("{} Lösungen", solutions.len())),
        "the summary counts what was restored: {said}"
    );
    assert!(said.contains("Suchindex"), "{said}");

    let server = Server::start(target);
    for slug in &solutions {
        assert_eq!(
            server.status(&format!("/api/v1/solutions/{slug}")),
            Some(200),
            "solution {slug} is restored"
        );
    }
    for slug in &models {
        assert_eq!(
            server.status(&format!("/api/v1/data-models/{slug}")),
            Some(200),
            "data model {slug} is restored"
        );
    }
    assert_eq!(
        server.search_slugs("solution"),
        solutions,
        "the search finds every solution"
    );
    assert_eq!(
        server.search_slugs("data_model"),
        models,
        "the search finds every data model"
    );

    // Under a running server, a restore is refused.
    let refused = run_refused(target, None, &["restore", file_arg]);
    assert!(
        refused.contains("läuft bereits ein Allmende-Server"),
        "{refused}"
    );
    assert_eq!(
        server.status(&format!("/api/v1/solutions/{}", solutions.first().unwrap())),
        Some(200)
    );
    server.stop();

    // Into the now filled catalogue, a restore is refused too, and nothing changes.
    let refused = run_refused(target, None, &["restore", file_arg]);
    assert!(refused.contains("nicht leer"), "{refused}");
    assert!(refused.contains("ALLMENDE_DATA_DIR"), "{refused}");
    assert_eq!(embedded_slugs(target).await, (solutions, models));
}

/// `postgres://user@host:port/database` of the test's database.
fn url_of(pool: &PgPool) -> String {
    let options = pool.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap()
    )
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_database_url_catalogue_is_backed_up_and_a_restore_into_it_is_refused(pool: PgPool) {
    use crate::fixtures;
    let org = fixtures::org(&pool, "stadt-sicherung", "Stadt Sicherung", Some("BW")).await;
    fixtures::solution(org, "ratsinfo-sicher", "Ratsinfo Sicher")
        .insert(&pool)
        .await;
    fixtures::data_model(&pool, org, "baumkataster-sicher", "Baumkataster", "umwelt").await;
    let url = url_of(&pool);
    let scratch = crate::fixtures::reachable_dir("allmende-backup-url-");
    let file = scratch.path().join("url.dump");
    let file_arg = file.to_str().unwrap();

    let said = run_ok(scratch.path(), Some(&url), &["backup", file_arg]);
    assert!(
        said.contains("1 Lösungen, 1 Datenmodelle, 1 Organisationen"),
        "{said}"
    );

    // The source still has its entries: a restore into it is refused before it connects
    // anything else, and changes nothing.
    let refused = run_refused(scratch.path(), Some(&url), &["restore", file_arg]);
    assert!(refused.contains("nicht leer"), "{refused}");
    assert!(refused.contains("not empty"), "{refused}");
    let expected = (
        BTreeSet::from(["ratsinfo-sicher".to_owned()]),
        BTreeSet::from(["baumkataster-sicher".to_owned()]),
    );
    assert_eq!(slugs(&pool).await, expected);

    // Not an archive: refused with its own message.
    let junk = scratch.path().join("junk.dump");
    std::fs::write(&junk, "kein Archiv").unwrap();
    let refused = run_refused(
        scratch.path(),
        Some(&url),
        &["restore", junk.to_str().unwrap()],
    );
    assert!(refused.contains("keine Sicherung"), "{refused}");

    // A damaged archive fails in pg_restore's single transaction and leaves the empty
    // catalogue usable; the intact one then restores there (from DATABASE_URL into the
    // embedded cluster).
    let target = crate::fixtures::reachable_dir("allmende-backup-url-dst-");
    let whole = std::fs::read(&file).unwrap();
    let damaged = scratch.path().join("damaged.dump");
    std::fs::write(&damaged, &whole[..whole.len() * 2 / 3]).unwrap();
    let refused = run_refused(target.path(), None, &["restore", damaged.to_str().unwrap()]);
    assert!(
        refused.contains("Wiederherstellung ist fehlgeschlagen")
            && refused.contains("leer geblieben"),
        "{refused}"
    );
    assert_eq!(
        embedded_slugs(target.path()).await,
        (BTreeSet::new(), BTreeSet::new())
    );
    let said = run_ok(target.path(), None, &["restore", file_arg]);
    assert!(said.contains("1 Lösungen"), "{said}");
    assert_eq!(embedded_slugs(target.path()).await, expected);
}
