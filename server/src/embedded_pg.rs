//! A private PostgreSQL cluster run from the PostgreSQL programs installed on the machine.
//!
//! Without `DATABASE_URL`, Allmende keeps its database in `<data dir>/postgres`: created
//! with `initdb` on first start, started with `pg_ctl` listening only on a Unix socket
//! (no TCP port, socket readable by the cluster's owner only), and stopped again on
//! shutdown. PostgreSQL refuses to run as root, so when Allmende runs as root the cluster
//! belongs to, and runs as, the unprivileged `postgres` user.
//!
//! Who stops the cluster: the web server (`serve`) keeps it. It holds the data directory's
//! [`ServeLock`] for its whole life (so a second server on the same directory is refused
//! before it touches PostgreSQL), uses the cluster if it is already running, restarts it if
//! it dies, and stops it on shutdown. A command (`migrate`, `admin`, `import`, …) uses a
//! running cluster and leaves it running; it stops only a cluster it started itself, and
//! not even that when a server has begun to use it in the meantime.
//!
//! A running cluster is only believed after it answered on our socket with our data
//! directory; one that cannot be confirmed is never signalled. A `postmaster.pid` left by a
//! killed cluster whose PID now belongs to another process (or to a zombie) would make
//! PostgreSQL refuse to start; such a file is set aside once no process runs in the cluster.
//!
//! Why not the `postgresql_embedded` crate: it needs wrapper scripts to run as root, and it
//! brings sqlx 0.9 beside our 0.8 (a second full database driver in the build). The few
//! process calls below are the whole job.

use std::fs::{File, TryLockError};
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use tokio::process::Command;

/// Name of the database (and of the cluster's superuser).
const DB_NAME: &str = "allmende";
/// The socket file is named after a port; nothing listens on TCP.
const SOCKET_PORT: u16 = 5432;
/// Longest socket directory that still fits `.s.PGSQL.5432` into `sun_path` (107 bytes).
const MAX_SOCKET_DIR_LEN: usize = 90;
/// The file in the data directory a server keeps locked while it runs.
const SERVE_LOCK: &str = "serve.lock";
/// How long a start waits for a cluster process that is alive but does not answer yet
/// (starting up, recovering after a crash, shutting down) before it gives up.
const WAIT_FOR_CLUSTER: Duration = Duration::from_secs(60);
/// How often the server checks that its cluster still runs.
const WATCH_EVERY: Duration = Duration::from_secs(2);
/// The longest pause between two restart attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Why the embedded database could not be used. Messages are German, then English.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "Keine PostgreSQL-Programme gefunden (initdb, pg_ctl). Bitte installieren Sie PostgreSQL \
         (Debian/Ubuntu: `apt-get install postgresql`), geben Sie das Verzeichnis mit ALLMENDE_PG_BIN an \
         oder setzen Sie DATABASE_URL auf eine bestehende Datenbank.\n\
         No PostgreSQL programs found (initdb, pg_ctl). Install PostgreSQL (Debian/Ubuntu: \
         `apt-get install postgresql`), point ALLMENDE_PG_BIN at its bin directory, or set DATABASE_URL."
    )]
    BinariesNotFound,
    #[error(
        "Allmende läuft als root, aber es gibt keinen Benutzer „postgres“, unter dem PostgreSQL laufen kann. \
         Bitte starten Sie Allmende als normaler Benutzer oder installieren Sie PostgreSQL aus den Paketen.\n\
         Allmende runs as root, but there is no `postgres` user to run PostgreSQL as. \
         Run Allmende as an ordinary user or install PostgreSQL from your distribution's packages."
    )]
    NoUnprivilegedUser,
    #[error(
        "Auf dem Datenverzeichnis {} läuft bereits ein Allmende-Server ({SERVE_LOCK} ist gesperrt). \
         Beenden Sie ihn zuerst oder wählen Sie ein anderes Datenverzeichnis (ALLMENDE_DATA_DIR).\n\
         An Allmende server is already running on the data directory {} ({SERVE_LOCK} is locked). \
         Stop it first or choose another data directory (ALLMENDE_DATA_DIR).",
        data_dir.display(), data_dir.display()
    )]
    AlreadyServing { data_dir: PathBuf },
    #[error(
        "Im Datenbank-Cluster {} läuft ein Prozess (PID {pid}), aber die Datenbank antwortet nicht. \
         Allmende beendet ihn nicht; bitte prüfen Sie ihn (server.log im Cluster) und beenden Sie ihn gegebenenfalls selbst.\n\
         A process (PID {pid}) runs in the database cluster {} but the database does not answer. \
         Allmende does not stop it; check it (server.log in the cluster) and stop it yourself if need be.",
        cluster.display(), cluster.display()
    )]
    NotAnswering { cluster: PathBuf, pid: i32 },
    #[error("{step} ist fehlgeschlagen / failed: {detail}")]
    Command { step: String, detail: String },
    #[error("Dateisystemfehler / file system error at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> EmbeddedPgError + '_ {
    move |source| EmbeddedPgError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The data directory's `serve.lock`, locked exclusively (`flock`) for as long as a server
/// runs on the directory. The kernel releases it when the process ends, however it ends, so
/// a crash leaves nothing to clean up. Commands never hold it; they only look whether it is
/// held (for an instant, with a shared lock), which [`ServeLock::acquire`] tolerates.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

impl ServeLock {
    /// Locks `<data_dir>/serve.lock`, or reports that another server holds it.
    pub async fn acquire(data_dir: &Path) -> Result<ServeLock, EmbeddedPgError> {
        std::fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
        let path = data_dir.join(SERVE_LOCK);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err(&path))?;
        // A command looking whether a server runs holds a shared lock for microseconds;
        // a few attempts keep that from being mistaken for a running server.
        for _ in 0..10 {
            match file.try_lock() {
                Ok(()) => {
                    // The PID is for people looking; the lock is what counts.
                    let pid = std::process::id();
                    file.set_len(0)
                        .and_then(|()| writeln!(file, "{pid}"))
                        .map_err(io_err(&path))?;
                    return Ok(ServeLock { _file: file });
                }
                Err(TryLockError::WouldBlock) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(TryLockError::Error(err)) => return Err(io_err(&path)(err)),
            }
        }
        Err(EmbeddedPgError::AlreadyServing {
            data_dir: data_dir.to_owned(),
        })
    }

    /// Whether a server holds the lock of `data_dir` right now.
    fn is_held(data_dir: &Path) -> bool {
        let Ok(file) = File::open(data_dir.join(SERVE_LOCK)) else {
            return false;
        };
        // Dropping `file` releases the shared lock at once.
        matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock))
    }
}

/// The unprivileged account PostgreSQL runs as when we are root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// The cluster on disk and how to run its programs; cheap to clone, so the watchdog has its own.
#[derive(Debug, Clone)]
struct Cluster {
    bin_dir: PathBuf,
    /// Canonical, as PostgreSQL reports it in `data_directory` and as its processes' cwd.
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<RunAs>,
}

/// A private cluster in use by this process. Call [`EmbeddedPostgres::stop`] when done.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    cluster: Cluster,
    data_dir: PathBuf,
    /// Whether this process started the cluster (rather than finding it running).
    started: bool,
    /// Held by a server: it keeps the cluster (stops it at the end, whoever started it).
    serve_lock: Option<ServeLock>,
    /// The server's task restarting the cluster when it dies.
    watchdog: Option<tokio::task::JoinHandle<()>>,
}

impl EmbeddedPostgres {
    /// Finds the PostgreSQL programs: the given directory, else the newest
    /// `/usr/lib/postgresql/<version>/bin`, else the directory of `initdb` on the PATH.
    pub fn find_bin_dir(explicit: Option<&Path>) -> Result<PathBuf, EmbeddedPgError> {
        let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
        if let Some(dir) = explicit {
            return if has_tools(dir) {
                Ok(dir.to_owned())
            } else {
                Err(EmbeddedPgError::BinariesNotFound)
            };
        }
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = entry.path().join("bin");
                has_tools(&bin).then_some((version, bin))
            })
            .collect();
        versions.sort();
        if let Some((_, bin)) = versions.pop() {
            return Ok(bin);
        }
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .find(|dir| has_tools(dir))
            .ok_or(EmbeddedPgError::BinariesNotFound)
    }

    /// For a command: initialises the cluster under `data_dir` if needed and starts it, or
    /// uses it when it is already running (a server's, or one left by a killed process).
    /// [`EmbeddedPostgres::stop`] stops it only if this call started it and no server has
    /// begun to use it since.
    pub async fn start(data_dir: &Path, bin_dir: PathBuf) -> Result<Self, EmbeddedPgError> {
        Self::open(data_dir, bin_dir, None).await
    }

    /// For the web server, which holds the data directory's `lock`: like
    /// [`EmbeddedPostgres::start`], but the server keeps the cluster whoever started it —
    /// it restarts it (with backoff) if it dies, and [`EmbeddedPostgres::stop`] stops it.
    pub async fn start_serving(
        data_dir: &Path,
        bin_dir: PathBuf,
        lock: ServeLock,
    ) -> Result<Self, EmbeddedPgError> {
        let mut pg = Self::open(data_dir, bin_dir, Some(lock)).await?;
        let cluster = pg.cluster.clone();
        pg.watchdog = Some(tokio::spawn(async move { cluster.watch().await }));
        Ok(pg)
    }

    async fn open(
        data_dir: &Path,
        bin_dir: PathBuf,
        serve_lock: Option<ServeLock>,
    ) -> Result<Self, EmbeddedPgError> {
        let run_as = unprivileged_account()?;
        std::fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
        let data_dir = data_dir.canonicalize().map_err(io_err(data_dir))?;
        let base = match run_as {
            Some(_) if !world_traversable(&data_dir) => fallback_base(&data_dir),
            _ => data_dir.clone(),
        };
        let cluster_dir = base.join("postgres");
        let mut socket_dir = base.join("postgres-socket");
        if socket_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
            socket_dir =
                std::env::temp_dir().join(format!("allmende-pg-{:016x}", path_hash(&cluster_dir)));
        }
        if base != data_dir {
            tracing::info!(
                cluster = %cluster_dir.display(),
                "the data directory is not reachable for the postgres user; the database cluster lives here instead"
            );
        }
        for dir in [&cluster_dir, &socket_dir] {
            refuse_foreign_dir(dir, run_as)?;
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(io_err(dir))?;
            if let Some(account) = run_as {
                std::os::unix::fs::chown(dir, Some(account.uid), Some(account.gid))
                    .map_err(io_err(dir))?;
            }
        }
        let cluster_dir = cluster_dir.canonicalize().map_err(io_err(&cluster_dir))?;

        let bin_dir = matching_bin_dir(&cluster_dir, bin_dir)?;
        let cluster = Cluster {
            bin_dir,
            cluster_dir,
            socket_dir,
            run_as,
        };
        if !cluster.cluster_dir.join("PG_VERSION").exists() {
            tracing::info!(cluster = %cluster.cluster_dir.display(), "initialising a private PostgreSQL cluster");
            let dir = cluster.cluster_dir.to_string_lossy().into_owned();
            cluster
                .run(
                    "initdb",
                    &[
                        "-D",
                        &dir,
                        "-U",
                        DB_NAME,
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ],
                )
                .await?;
        }
        let started = cluster.bring_up().await?;
        if !started {
            tracing::info!("the private PostgreSQL cluster is already running; using it");
        }
        let pg = EmbeddedPostgres {
            cluster,
            data_dir,
            started,
            serve_lock,
            watchdog: None,
        };
        if let Err(err) = pg.cluster.ensure_database().await {
            let _ = pg.stop().await;
            return Err(err);
        }
        Ok(pg)
    }

    /// Connection options for the cluster's `allmende` database over the Unix socket.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.cluster.connect_options()
    }

    /// The cluster's directory.
    pub fn cluster_dir(&self) -> &Path {
        &self.cluster.cluster_dir
    }

    /// Done with the cluster: a server stops it; a command stops it only if it started it
    /// and no server uses it now; otherwise it keeps running for whoever does.
    pub async fn stop(mut self) -> Result<(), EmbeddedPgError> {
        if let Some(watchdog) = self.watchdog.take() {
            watchdog.abort();
            let _ = watchdog.await;
        }
        let keeper = if self.serve_lock.is_some() {
            true
        } else if self.started && ServeLock::is_held(&self.data_dir) {
            tracing::info!(
                "a server uses the private PostgreSQL cluster now; leaving it running for it"
            );
            false
        } else {
            self.started
        };
        if keeper {
            self.cluster.stop().await?;
        }
        // The serve lock, if any, is released only now that the cluster is down.
        drop(self.serve_lock);
        Ok(())
    }
}

/// Who holds a PostgreSQL lock file (`postmaster.pid`, the socket's `.lock`), as far as
/// `/proc` tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// There is no lock file.
    None,
    /// A live process working in our cluster directory: our postmaster (perhaps still
    /// starting, recovering or stopping).
    Ours(i32),
    /// The process is gone; PostgreSQL removes such a file by itself.
    Gone,
    /// The PID belongs to a zombie or to an unrelated process now, or the file is garbled:
    /// PostgreSQL would refuse to start over it, so it is set aside.
    Foreign,
    /// `/proc` cannot tell (not mounted, or not readable): left to PostgreSQL.
    Unknown,
}

impl Cluster {
    fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(SOCKET_PORT)
            .username(DB_NAME)
            .database(DB_NAME)
    }

    fn pid_file(&self) -> PathBuf {
        self.cluster_dir.join("postmaster.pid")
    }

    fn socket_lock_file(&self) -> PathBuf {
        self.socket_dir.join(format!(".s.PGSQL.{SOCKET_PORT}.lock"))
    }

    /// Makes sure the cluster runs: uses it if it answers (`Ok(false)`), else starts it
    /// (`Ok(true)`). Never signals a process.
    async fn bring_up(&self) -> Result<bool, EmbeddedPgError> {
        let deadline = Instant::now() + WAIT_FOR_CLUSTER;
        let mut waiting_reported = false;
        loop {
            if self.answers().await {
                return Ok(false);
            }
            // A process still working in the cluster: our postmaster not answering yet, or
            // the children of a killed one, which exit by themselves. A second postmaster
            // must not start beside them.
            let busy = match self.holder(&self.pid_file()) {
                Holder::Ours(pid) => Some(pid),
                Holder::Gone | Holder::Foreign => self.lingering_process(),
                Holder::None | Holder::Unknown => None,
            };
            let Some(pid) = busy else { break };
            if Instant::now() >= deadline {
                return Err(EmbeddedPgError::NotAnswering {
                    cluster: self.cluster_dir.clone(),
                    pid,
                });
            }
            if !waiting_reported {
                tracing::info!(
                    pid,
                    "a process still runs in the private PostgreSQL cluster; waiting for it"
                );
                waiting_reported = true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        for file in [self.pid_file(), self.socket_lock_file()] {
            if self.holder(&file) == Holder::Foreign {
                let mut aside = file.clone().into_os_string();
                aside.push(".stale");
                let aside = PathBuf::from(aside);
                tracing::warn!(
                    file = %file.display(),
                    to = %aside.display(),
                    "a stale PostgreSQL lock file names a process that is not our cluster (dead, or another program); setting it aside"
                );
                std::fs::rename(&file, &aside).map_err(io_err(&file))?;
            }
        }
        match self.pg_ctl_start().await {
            Ok(()) => Ok(true),
            // Another Allmende process may have started it at the same moment.
            Err(_) if self.answers().await => Ok(false),
            Err(err) => Err(err),
        }
    }

    async fn pg_ctl_start(&self) -> Result<(), EmbeddedPgError> {
        let dir = self.cluster_dir.to_string_lossy().into_owned();
        let log = self
            .cluster_dir
            .join("server.log")
            .to_string_lossy()
            .into_owned();
        let options = format!(
            "-c listen_addresses='' -k '{}' -p {SOCKET_PORT} -c unix_socket_permissions=0700",
            self.socket_dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D", &dir, "-l", &log, "-w", "-t", "60", "-o", &options, "start",
            ],
        )
        .await
        .map(|_| ())
    }

    /// Stops the cluster, if it is confirmed to be ours and running.
    async fn stop(&self) -> Result<(), EmbeddedPgError> {
        if !self.answers().await && !matches!(self.holder(&self.pid_file()), Holder::Ours(_)) {
            tracing::info!("the private PostgreSQL cluster is not running");
            return Ok(());
        }
        tracing::info!("stopping the private PostgreSQL cluster");
        let dir = self.cluster_dir.to_string_lossy().into_owned();
        self.run(
            "pg_ctl",
            &["-D", &dir, "-m", "fast", "-w", "-t", "60", "stop"],
        )
        .await
        .map(|_| ())
    }

    /// Whether our cluster answers on our socket, with our data directory.
    async fn answers(&self) -> bool {
        use sqlx::{ConnectOptions as _, Connection as _};
        let probe = async {
            let mut conn = self
                .connect_options()
                .database("postgres")
                .connect()
                .await
                .ok()?;
            let dir = sqlx::query_scalar!(r#"select current_setting('data_directory') as "dir!""#)
                .fetch_one(&mut conn)
                .await
                .ok();
            let _ = conn.close().await;
            dir
        };
        match tokio::time::timeout(Duration::from_secs(5), probe).await {
            Ok(Some(dir)) => same_dir(Path::new(&dir), &self.cluster_dir),
            _ => false,
        }
    }

    /// Who holds the lock file at `path`.
    fn holder(&self, path: &Path) -> Holder {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Holder::None,
            Err(_) => return Holder::Unknown,
        };
        let Some(pid) = text
            .lines()
            .next()
            .and_then(|line| line.trim().parse::<i32>().ok())
            .filter(|pid| *pid > 0)
        else {
            // Garbled or empty (a crash while it was written): PostgreSQL refuses it.
            return Holder::Foreign;
        };
        match process_in(pid, &self.cluster_dir) {
            Process::Gone => Holder::Gone,
            Process::Zombie | Process::Elsewhere => Holder::Foreign,
            Process::InCluster => Holder::Ours(pid),
            Process::Unknown => Holder::Unknown,
        }
    }

    /// A live process (other than this one) working in the cluster directory, if any.
    fn lingering_process(&self) -> Option<i32> {
        let me = std::process::id();
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| u32::try_from(*pid) != Ok(me))
            .find(|pid| process_in(*pid, &self.cluster_dir) == Process::InCluster)
    }

    /// Restarts the cluster whenever it is found dead, with growing pauses while that fails.
    /// Logs each change of state once.
    async fn watch(self) {
        let mut backoff = Duration::from_secs(1);
        let mut down = false;
        let mut failing = false;
        loop {
            tokio::time::sleep(if down { backoff } else { WATCH_EVERY }).await;
            if matches!(self.holder(&self.pid_file()), Holder::Ours(_)) || self.answers().await {
                if down {
                    tracing::info!("the private PostgreSQL cluster runs again");
                }
                (down, failing, backoff) = (false, false, Duration::from_secs(1));
                continue;
            }
            if !down {
                tracing::error!("the private PostgreSQL cluster has stopped; restarting it");
                down = true;
            }
            match self.bring_up().await {
                Ok(_) => {
                    tracing::info!("the private PostgreSQL cluster runs again");
                    (down, failing, backoff) = (false, false, Duration::from_secs(1));
                }
                Err(err) => {
                    if !failing {
                        tracing::error!(error = %err, "restarting the private PostgreSQL cluster failed; retrying with growing pauses");
                        failing = true;
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedPgError> {
        use sqlx::Connection;
        let options = self.connect_options().database("postgres");
        let mut conn = connect_with_retry(&options).await?;
        let exists: bool = sqlx::query_scalar!(
            r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#,
            DB_NAME
        )
        .fetch_one(&mut conn)
        .await
        .map_err(|e| EmbeddedPgError::Command {
            step: "create database".into(),
            detail: e.to_string(),
        })?;
        if !exists {
            // Dynamic SQL: `create database` takes no parameters; the name is the constant DB_NAME.
            sqlx::query(&format!(
                "create database {DB_NAME} encoding 'UTF8' template template0"
            ))
            .execute(&mut conn)
            .await
            .map_err(|e| EmbeddedPgError::Command {
                step: "create database".into(),
                detail: e.to_string(),
            })?;
        }
        let _ = conn.close().await;
        Ok(())
    }

    /// Runs one of PostgreSQL's programs (as the unprivileged account when we are root).
    async fn run(&self, program: &str, args: &[&str]) -> Result<String, EmbeddedPgError> {
        let mut cmd = std::process::Command::new(self.bin_dir.join(program));
        cmd.args(args)
            .env("LC_ALL", "C.UTF-8")
            .env_remove("PGDATA")
            .current_dir(&self.cluster_dir);
        if let Some(account) = self.run_as {
            cmd.uid(account.uid).gid(account.gid);
        }
        let output = Command::from(cmd)
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| EmbeddedPgError::Command {
                step: program.into(),
                detail: e.to_string(),
            })?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            let mut detail = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            if detail.is_empty() {
                detail = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            }
            Err(EmbeddedPgError::Command {
                step: program.into(),
                detail,
            })
        }
    }
}

async fn connect_with_retry(
    options: &PgConnectOptions,
) -> Result<sqlx::PgConnection, EmbeddedPgError> {
    use sqlx::ConnectOptions;
    let mut last = String::new();
    for _ in 0..50 {
        match options.connect().await {
            Ok(conn) => return Ok(conn),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(EmbeddedPgError::Command {
        step: "connect".into(),
        detail: last,
    })
}

/// What `/proc` says about a process, relative to the cluster directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Process {
    Gone,
    /// Dead but not reaped yet (where no init process reaps orphans, for seconds).
    Zombie,
    /// Alive, working in the cluster directory (PostgreSQL's processes change into it).
    InCluster,
    /// Alive, somewhere else: not one of the cluster's processes.
    Elsewhere,
    Unknown,
}

fn process_in(pid: i32, cluster_dir: &Path) -> Process {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let stat = match std::fs::read_to_string(proc.join("stat")) {
        Ok(stat) => stat,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            // SAFETY: kill with signal 0 only checks whether the process exists.
            let exists = unsafe { libc::kill(pid, 0) } == 0
                || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH);
            return if exists {
                Process::Unknown
            } else {
                Process::Gone
            };
        }
        Err(_) => return Process::Unknown,
    };
    // `pid (name) state …`; the name may contain anything, so read after the last ')'.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    if matches!(state, Some('Z' | 'X')) {
        return Process::Zombie;
    }
    // Both paths are canonical: the kernel's, and ours (`cluster_dir` is canonicalised).
    match std::fs::read_link(proc.join("cwd")) {
        Ok(cwd) if cwd == cluster_dir => Process::InCluster,
        Ok(_) => Process::Elsewhere,
        // Not ours to inspect (another user's): its command line is readable by everyone.
        Err(_) => match std::fs::read(proc.join("cmdline")) {
            Ok(cmdline) => {
                let wanted = cluster_dir.as_os_str().as_encoded_bytes();
                if cmdline.split(|b| *b == 0).any(|arg| arg == wanted) {
                    Process::InCluster
                } else {
                    Process::Elsewhere
                }
            }
            Err(_) => Process::Unknown,
        },
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// `None` when we are not root; else the `postgres` account.
fn unprivileged_account() -> Result<Option<RunAs>, EmbeddedPgError> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let name = c"postgres";
    // SAFETY: `name` is a valid NUL-terminated string; the returned record is read at once,
    // before any other call that could overwrite the static buffer.
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    if entry.is_null() {
        return Err(EmbeddedPgError::NoUnprivilegedUser);
    }
    // SAFETY: checked non-null above.
    let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
    Ok(Some(RunAs { uid, gid }))
}

/// Refuses a directory that is a symbolic link or belongs to another user: the socket
/// directory may sit in the shared /tmp, where someone else could have prepared it.
fn refuse_foreign_dir(dir: &Path, run_as: Option<RunAs>) -> Result<(), EmbeddedPgError> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let allowed = [Some(me), run_as.map(|a| a.uid)];
    if meta.file_type().is_symlink() || !meta.is_dir() || !allowed.contains(&Some(meta.uid())) {
        return Err(EmbeddedPgError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(
                "ist ein symbolischer Link oder gehört einem anderen Benutzer / is a symlink or owned by another user",
            ),
        });
    }
    Ok(())
}

/// The programs of the PostgreSQL version the existing cluster was created with (from
/// `PG_VERSION`), so that installing a newer PostgreSQL beside the old one does not break it.
fn matching_bin_dir(cluster_dir: &Path, found: PathBuf) -> Result<PathBuf, EmbeddedPgError> {
    let Ok(version) = std::fs::read_to_string(cluster_dir.join("PG_VERSION")) else {
        return Ok(found);
    };
    let version = version.trim();
    if found
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        == Some(version)
    {
        return Ok(found);
    }
    let same = PathBuf::from("/usr/lib/postgresql")
        .join(version)
        .join("bin");
    if same.join("pg_ctl").is_file() {
        return Ok(same);
    }
    Err(EmbeddedPgError::Command {
        step: "pg_ctl".into(),
        detail: format!(
            "Der Datenbank-Cluster in {} stammt von PostgreSQL {version}, dessen Programme fehlen (ALLMENDE_PG_BIN). \
             The cluster was created by PostgreSQL {version}, whose programs are missing (set ALLMENDE_PG_BIN).",
            cluster_dir.display()
        ),
    })
}

/// Whether every ancestor of `path` can be entered by other users (needed when the cluster
/// runs as `postgres` inside a directory that root created).
fn world_traversable(path: &Path) -> bool {
    path.ancestors().all(|dir| {
        std::fs::metadata(dir)
            .map(|m| m.permissions().mode() & 0o001 != 0)
            .unwrap_or(false)
    })
}

/// A place the `postgres` user can reach, unique per data directory.
fn fallback_base(data_dir: &Path) -> PathBuf {
    PathBuf::from("/var/lib/allmende").join(format!("{:016x}", path_hash(data_dir)))
}

fn path_hash(path: &Path) -> u64 {
    // FNV-1a: stable across runs and Rust versions (unlike DefaultHasher).
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf29ce484222325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_hash_is_stable() {
        assert_eq!(
            path_hash(Path::new("/srv/allmende/data")),
            path_hash(Path::new("/srv/allmende/data"))
        );
        assert_ne!(path_hash(Path::new("/a")), path_hash(Path::new("/b")));
    }

    fn cluster_in(dir: &Path) -> Cluster {
        Cluster {
            bin_dir: PathBuf::new(),
            cluster_dir: dir.canonicalize().unwrap(),
            socket_dir: dir.to_owned(),
            run_as: None,
        }
    }

    #[test]
    fn a_lock_file_is_ours_only_when_its_process_works_in_the_cluster() {
        let dir = tempfile::tempdir().unwrap();
        let cluster = cluster_in(dir.path());
        let file = dir.path().join("postmaster.pid");
        assert_eq!(cluster.holder(&file), Holder::None);

        let mut inside = std::process::Command::new("sleep")
            .arg("60")
            .current_dir(dir.path())
            .spawn()
            .unwrap();
        std::fs::write(&file, format!("{}\n/somewhere\n", inside.id())).unwrap();
        assert_eq!(cluster.holder(&file), Holder::Ours(inside.id() as i32));
        assert_eq!(cluster.lingering_process(), Some(inside.id() as i32));
        inside.kill().unwrap();
        inside.wait().unwrap();
        assert_eq!(cluster.holder(&file), Holder::Gone, "reaped: gone");
        assert_eq!(cluster.lingering_process(), None);

        // This test process works elsewhere: a reused PID.
        std::fs::write(&file, format!("{}\n", std::process::id())).unwrap();
        assert_eq!(cluster.holder(&file), Holder::Foreign);
        std::fs::write(&file, "\n").unwrap();
        assert_eq!(cluster.holder(&file), Holder::Foreign, "garbled");
    }

    #[test]
    fn a_zombie_postmaster_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let cluster = cluster_in(dir.path());
        let mut child = std::process::Command::new("true")
            .current_dir(dir.path())
            .spawn()
            .unwrap();
        let file = dir.path().join("postmaster.pid");
        std::fs::write(&file, format!("{}\n", child.id())).unwrap();
        // Not waited for yet: once it has exited it is a zombie.
        let deadline = Instant::now() + Duration::from_secs(10);
        while process_in(child.id() as i32, &cluster.cluster_dir) != Process::Zombie {
            assert!(Instant::now() < deadline, "`true` exits");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(cluster.holder(&file), Holder::Foreign);
        child.wait().unwrap();
    }

    #[tokio::test]
    async fn the_serve_lock_admits_one_server_and_shows_commands_that_it_is_held() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!ServeLock::is_held(dir.path()));
        let lock = ServeLock::acquire(dir.path()).await.unwrap();
        assert!(ServeLock::is_held(dir.path()));
        assert!(matches!(
            ServeLock::acquire(dir.path()).await,
            Err(EmbeddedPgError::AlreadyServing { .. })
        ));
        drop(lock);
        assert!(!ServeLock::is_held(dir.path()));
        ServeLock::acquire(dir.path())
            .await
            .expect("free again once the server is gone");
    }

    #[test]
    fn an_explicit_directory_without_initdb_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            EmbeddedPostgres::find_bin_dir(Some(dir.path())),
            Err(EmbeddedPgError::BinariesNotFound)
        ));
    }
}
