//! Scale-out on PostgreSQL's own replication, with real processes: a primary made by
//! `initdb`, a hot standby made from it by `pg_basebackup -R`, both on 127.0.0.1 ports, and
//! `allmende serve` nodes on them. Anonymous reads go to the standby while it is fresh;
//! a standby that falls behind or stops leaves them to the primary, without a failed page.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use allmende_server::config::MaxLag;
use allmende_server::db::replicas::{ReadFrom, ReadPools};
use sqlx::PgPool;

const BIN: &str = env!("CARGO_BIN_EXE_allmende");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `postgres` account's ids when the tests run as root (PostgreSQL refuses root).
fn postgres_account() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    // SAFETY: a NUL-terminated name; the entry is read at once, before another call.
    let entry = unsafe { libc::getpwnam(c"postgres".as_ptr()) };
    assert!(
        !entry.is_null(),
        "running as root needs a `postgres` account"
    );
    // SAFETY: checked non-null above.
    Some(unsafe { ((*entry).pw_uid, (*entry).pw_gid) })
}

/// One of PostgreSQL's programs, run as the `postgres` account when we are root.
fn pg(program: &str) -> Command {
    let bin = allmende_server::embedded_pg::EmbeddedPostgres::find_bin_dir(None)
        .expect("PostgreSQL's programs are installed");
    let mut cmd = Command::new(bin.join(program));
    if let Some((uid, gid)) = postgres_account() {
        cmd.uid(uid).gid(gid);
    }
    cmd.stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A PostgreSQL cluster of this test, on a TCP port of 127.0.0.1 only (no Unix socket);
/// shut down immediately when dropped.
struct Cluster {
    data: PathBuf,
    log: PathBuf,
    port: u16,
}

/// The place for the test's clusters: a directory the `postgres` account owns.
fn cluster_home() -> tempfile::TempDir {
    let home = crate::fixtures::reachable_dir("allmende-replicas-");
    if let Some((uid, gid)) = postgres_account() {
        std::os::unix::fs::chown(home.path(), Some(uid), Some(gid)).unwrap();
    }
    home
}

impl Cluster {
    /// A new primary, started, with the database `katalog`.
    async fn primary(home: &Path) -> Cluster {
        let cluster = Cluster {
            data: home.join("primary"),
            log: home.join("primary.log"),
            port: free_port(),
        };
        run(pg("initdb").arg("-D").arg(&cluster.data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]));
        // The standby copies these settings; it gets its own port below.
        cluster.append_conf(&format!(
            "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n\
             fsync = off\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n",
            cluster.port
        ));
        cluster.start();
        let admin = PgPool::connect(&cluster.url("postgres")).await.unwrap();
        sqlx::query("create database katalog")
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        cluster
    }

    /// A hot standby of `primary`, made by `pg_basebackup -R`, started.
    fn standby_of(primary: &Cluster, home: &Path) -> Cluster {
        let cluster = Cluster {
            data: home.join("standby"),
            log: home.join("standby.log"),
            port: free_port(),
        };
        run(pg("pg_basebackup")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &primary.port.to_string(),
                "-U",
                "postgres",
            ])
            .arg("-D")
            .arg(&cluster.data)
            .args(["-R", "-X", "stream", "-c", "fast", "--no-sync"]));
        assert!(
            cluster.data.join("standby.signal").is_file(),
            "-R made a standby"
        );
        cluster.append_conf(&format!("port = {}\n", cluster.port));
        cluster.start();
        cluster
    }

    fn append_conf(&self, lines: &str) {
        let conf = self.data.join("postgresql.conf");
        let mut file = std::fs::OpenOptions::new().append(true).open(conf).unwrap();
        file.write_all(lines.as_bytes()).unwrap();
    }

    fn start(&self) {
        run(pg("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .args(["-w", "-t", "60", "start"]));
    }

    /// `pg_ctl stop -m immediate`: as if the machine had gone.
    fn stop_immediately(&self) {
        run(pg("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "stop"]));
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.data.join("postmaster.pid").exists() {
            let _ = pg("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", "immediate", "-w", "stop"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// A running `allmende serve` on a database given by URL; killed when dropped.
struct Node {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Node {
    /// Starts a node with its own data and index directory, waits until it is ready.
    fn start(dir: &Path, name: &str, database: &str, replica: Option<&str>) -> Node {
        let data = dir.join(name);
        std::fs::create_dir_all(&data).unwrap();
        let port = free_port();
        let log = data.join("serve.log");
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.env_remove("ALLMENDE_INDEX_DIR")
            .env_remove("ALLMENDE_PG_BIN")
            .env_remove("DATABASE_REPLICA_URL")
            .env_remove("ALLMENDE_REPLICA_MAX_LAG")
            .env("DATABASE_URL", database)
            .env("ALLMENDE_DATA_DIR", &data)
            .env("ALLMENDE_ADDR", format!("127.0.0.1:{port}"))
            .env("ALLMENDE_SITE_ROOT", data.join("no-site"))
            .env("ALLMENDE_DEMO", "off")
            .env("ALLMENDE_LOG", "info")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        if let Some(replica) = replica {
            cmd.env("DATABASE_REPLICA_URL", replica);
        }
        let mut node = Node {
            child: cmd.arg("serve").spawn().unwrap(),
            port,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while get(port, "/readyz").is_none_or(|(status, _)| status != 200) {
            if let Some(status) = node.child.try_wait().unwrap() {
                panic!("node {name} exited ({status}):\n{}", node.log());
            }
            assert!(
                Instant::now() < deadline,
                "node {name} was not ready within 60 s:\n{}",
                node.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        node
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Option<(u16, String)> {
        get(self.port, path)
    }

    /// The value of one metric line (`name{labels}`), if present.
    fn metric(&self, series: &str) -> Option<f64> {
        let (_, text) = self.get("/metrics")?;
        text.lines().find_map(|l| {
            l.strip_prefix(series)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 exchange: status and body, or `None` when nothing answers.
fn exchange(port: u16, head: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .ok()?;
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    Some((head.get(9..12)?.parse().ok()?, body.to_owned()))
}

/// `GET path` as an anonymous browser.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    exchange(
        port,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: de\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
        ),
        b"",
    )
}

/// `POST path` with a JSON body and an API token.
fn post_json(port: u16, path: &str, token: &str, body: &serde_json::Value) -> (u16, String) {
    let body = body.to_string();
    exchange(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n",
            body.len()
        ),
        body.as_bytes(),
    )
    .expect("the node answers")
}

fn solution(name: &str, repository: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "short_description": "Schäden im Straßenraum melden",
        "repository_url": format!("https://gitlab.opencode.de/ulm/{repository}"),
        "licence": "EUPL-1.2",
        "development_status": "beta",
        "software_type": "standalone/web",
        "maintenance_type": "internal"
    })
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

async fn wait_until_async<F, Fut>(limit: Duration, mut done: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_node_shows_on_another_nodes_replica_within_a_second_and_a_stopped_replica_falls_back()
 {
    let home = cluster_home();
    let primary = Cluster::primary(home.path()).await;
    let standby = Cluster::standby_of(&primary, home.path());
    let nodes = crate::fixtures::reachable_dir("allmende-nodes-");

    // Node A on the primary only; it migrates the database (the standby replays it).
    let database = primary.url("katalog");
    let node_a = Node::start(nodes.path(), "a", &database, None);
    let pool = PgPool::connect(&database).await.unwrap();
    crate::fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-ulm".into(),
            name: "Knoten A".into(),
        },
        &pool,
    )
    .await
    .unwrap();

    // Node B reads anonymous pages from the standby.
    let replica = format!("{}?application_name=knoten-b", standby.url("katalog"));
    let node_b = Node::start(nodes.path(), "b", &database, Some(&replica));
    let series = |name: &str| {
        format!(
            "allmende_{name}{{replica=\"127.0.0.1:{}/katalog\"}}",
            standby.port
        )
    };
    assert!(
        wait_until(Duration::from_secs(10), || node_b
            .metric(&series("replica_in_use"))
            == Some(1.0)),
        "node B uses its replica:\n{}",
        node_b.log()
    );
    assert!(
        node_b.log().contains("replica in use"),
        "said once in the log:\n{}",
        node_b.log()
    );

    // A write through node A is on node B's page within a second.
    let (status, body) = post_json(
        node_a.port,
        "/api/v1/solutions",
        &token,
        &solution("Mängelmelder", "melder"),
    );
    assert_eq!(status, 201, "{body}");
    let written = Instant::now();
    let slug: String = serde_json::from_str::<serde_json::Value>(&body).unwrap()["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let reads_before = node_b.metric(&series("replica_reads_total")).unwrap_or(0.0);
    let page = format!("/loesungen/{slug}");
    assert!(
        wait_until(Duration::from_secs(1), || node_b.get(&page).is_some_and(
            |(status, body)| status == 200 && body.contains("Mängelmelder")
        )),
        "node B shows the write within 1 s (took {:?})",
        written.elapsed()
    );
    let took = written.elapsed();
    assert!(took <= Duration::from_secs(1), "took {took:?}");
    let (status, body) = node_b.get(&format!("/api/v1/solutions/{slug}")).unwrap();
    assert_eq!(status, 200, "{body}");
    // Those reads were the standby's: node B counted them there, and the standby shows
    // node B's read connections (the checks have their own application name).
    let reads_after = node_b.metric(&series("replica_reads_total")).unwrap();
    assert!(
        reads_after > reads_before,
        "reads counted on the replica: {reads_before} → {reads_after}"
    );
    let on_standby = PgPool::connect(&standby.url("katalog")).await.unwrap();
    let (standby_flag, readers): (bool, i64) = sqlx::query_as(
        "select pg_is_in_recovery(), (select count(*) from pg_stat_activity where application_name = 'knoten-b')",
    )
    .fetch_one(&on_standby)
    .await
    .unwrap();
    assert!(standby_flag, "the standby is a standby");
    assert!(readers >= 1, "node B's reads connect to the standby");
    on_standby.close().await;
    let (status, body) = node_b.get("/readyz").unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("1 of 1 in use"), "{body}");

    // The standby stops: node B falls back to the primary, with current data.
    standby.stop_immediately();
    let (status, body) = post_json(
        node_a.port,
        "/api/v1/solutions",
        &token,
        &solution("Baumkataster", "baeume"),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = node_b
        .get("/loesungen/baumkataster")
        .expect("node B answers");
    assert_eq!(
        status,
        200,
        "the first page after the stop: {}",
        node_b.log()
    );
    assert!(
        body.contains("Baumkataster"),
        "current data from the primary"
    );
    for path in [
        "/loesungen",
        page.as_str(),
        "/api/v1/solutions?per_page=5",
        "/nachnutzung",
        "/organisationen/stadt-ulm",
    ] {
        let (status, _) = node_b.get(path).expect("node B answers");
        assert_eq!(status, 200, "{path} without the standby:\n{}", node_b.log());
    }
    assert!(
        wait_until(Duration::from_secs(3), || node_b
            .metric(&series("replica_in_use"))
            == Some(0.0)
            && node_b.metric(&series("replica_reachable")) == Some(0.0)),
        "node B reports the replica out of use"
    );
    let log = node_b.log();
    assert!(
        log.contains("replica unreachable, reads go to the primary")
            || log.contains("replica not in use, reads go to the primary"),
        "node B logs the fallback:\n{log}"
    );
    let (status, body) = node_b.get("/readyz").unwrap();
    assert_eq!(status, 200, "ready without its replica: {body}");
    assert!(
        body.contains("0 of 1 in use; reads go to the primary"),
        "{body}"
    );

    // The standby comes back: node B uses it again.
    standby.start();
    assert!(
        wait_until(Duration::from_secs(15), || node_b
            .metric(&series("replica_in_use"))
            == Some(1.0)),
        "node B takes the standby back:\n{}\n{}",
        node_b.log(),
        standby.log()
    );
    pool.close().await;
}

/// Whether a read through `reads` ran on a standby.
async fn answered_by_standby(reads: &ReadPools, from: ReadFrom) -> bool {
    reads
        .read(from, |pool| async move {
            sqlx::query_scalar::<_, bool>("select pg_is_in_recovery()")
                .fetch_one(&pool)
                .await
        })
        .await
        .expect("a read never fails while the primary answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_a_fresh_replica_and_to_the_primary_while_it_lags_or_is_gone() {
    let home = cluster_home();
    let primary = Cluster::primary(home.path()).await;
    let standby = Cluster::standby_of(&primary, home.path());
    let pool = PgPool::connect(&primary.url("katalog")).await.unwrap();
    let reads =
        ReadPools::connect(pool.clone(), &[standby.url("katalog")], MaxLag::DEFAULT).unwrap();
    let checks = reads.watch();
    let r = &reads;
    assert!(
        wait_until_async(
            Duration::from_secs(5),
            || async move { r.status()[0].in_use }
        )
        .await,
        "the standby is taken into use: {:?}",
        reads.status()
    );
    assert!(answered_by_standby(&reads, ReadFrom::FreshReplica).await);
    assert!(
        !answered_by_standby(&reads, ReadFrom::Primary).await,
        "whoever must read their writes reads the primary"
    );
    let status = &reads.status()[0];
    assert!(status.lag.unwrap() <= Duration::from_secs(1), "{status:?}");
    assert_eq!(status.reads, 1, "one read went to the replica: {status:?}");

    // Idle for longer than the bound: no writes means no lag.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        reads.status()[0].in_use,
        "idle is not stale: {:?}",
        reads.status()
    );
    assert!(answered_by_standby(&reads, ReadFrom::FreshReplica).await);

    // Replay paused and the primary written to: after at most the bound (and a check),
    // reads go to the primary.
    let on_standby = PgPool::connect(&standby.url("katalog")).await.unwrap();
    sqlx::query("select pg_wal_replay_pause()")
        .execute(&on_standby)
        .await
        .unwrap();
    let paused = Instant::now();
    sqlx::query("create table written_meanwhile (id int)")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        wait_until_async(Duration::from_secs(3), || async move {
            !answered_by_standby(r, ReadFrom::FreshReplica).await
        })
        .await,
        "a stale replica is left out: {:?}",
        reads.status()
    );
    let left_out_after = paused.elapsed();
    assert!(
        left_out_after <= Duration::from_millis(1700),
        "left out within the bound and one check: {left_out_after:?}"
    );
    let status = &reads.status()[0];
    assert!(!status.in_use && status.reachable, "{status:?}");
    assert!(status.lag_bytes.unwrap() > 0, "{status:?}");
    assert!(
        status
            .problem
            .as_deref()
            .unwrap()
            .contains("further behind than 1s"),
        "{status:?}"
    );

    // Replay resumed: fresh again.
    sqlx::query("select pg_wal_replay_resume()")
        .execute(&on_standby)
        .await
        .unwrap();
    assert!(
        wait_until_async(Duration::from_secs(3), || async move {
            answered_by_standby(r, ReadFrom::FreshReplica).await
        })
        .await,
        "a replica that caught up is used again: {:?}",
        reads.status()
    );
    on_standby.close().await;

    // Stopped: the very next read is answered by the primary, not an error.
    standby.stop_immediately();
    assert!(!answered_by_standby(&reads, ReadFrom::FreshReplica).await);
    assert!(!answered_by_standby(&reads, ReadFrom::FreshReplica).await);
    let status = &reads.status()[0];
    assert!(!status.in_use, "{status:?}");
    assert!(
        status.fallbacks >= 1 || status.problem.is_some(),
        "the failed read or the check noticed: {status:?}"
    );
    for check in checks {
        check.abort();
    }
    reads.close().await;
    pool.close().await;
}
