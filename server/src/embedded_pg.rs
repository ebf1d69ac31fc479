//! A private PostgreSQL cluster run from the PostgreSQL programs installed on the machine.
//!
//! Without `DATABASE_URL`, Allmende keeps its database in `<data dir>/postgres`: created
//! with `initdb` on first start, started with `pg_ctl` listening only on a Unix socket
//! (no TCP port, socket readable by the cluster's owner only), and stopped again on
//! shutdown. PostgreSQL refuses to run as root, so when Allmende runs as root the cluster
//! belongs to, and runs as, the unprivileged `postgres` user.
//!
//! Why not the `postgresql_embedded` crate: it needs wrapper scripts to run as root, and it
//! brings sqlx 0.9 beside our 0.8 (a second full database driver in the build). The few
//! process calls below are the whole job.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use tokio::process::Command;

/// Name of the database (and of the cluster's superuser).
const DB_NAME: &str = "allmende";
/// The socket file is named after a port; nothing listens on TCP.
const SOCKET_PORT: u16 = 5432;
/// Longest socket directory that still fits `.s.PGSQL.5432` into `sun_path` (107 bytes).
const MAX_SOCKET_DIR_LEN: usize = 90;

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

/// The unprivileged account PostgreSQL runs as when we are root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// A running private cluster. Call [`EmbeddedPostgres::stop`] on shutdown.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<RunAs>,
    /// Whether the server is running and so must be stopped on shutdown.
    running: bool,
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

    /// Initialises the cluster under `data_dir` if needed and starts it (or attaches to it
    /// when it is already running, e.g. after a crash of a previous Allmende process).
    pub async fn start(data_dir: &Path, bin_dir: PathBuf) -> Result<Self, EmbeddedPgError> {
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

        let bin_dir = matching_bin_dir(&cluster_dir, bin_dir)?;
        let mut pg = EmbeddedPostgres {
            bin_dir,
            cluster_dir,
            socket_dir,
            run_as,
            running: false,
        };
        if !pg.cluster_dir.join("PG_VERSION").exists() {
            tracing::info!(cluster = %pg.cluster_dir.display(), "initialising a private PostgreSQL cluster");
            let cluster = pg.cluster_dir.to_string_lossy().into_owned();
            pg.run(
                "initdb",
                &[
                    "-D",
                    &cluster,
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
        if pg.is_running().await {
            // Left running by an earlier process that died before it could stop it. The
            // cluster is private to this data directory, so we adopt it and stop it at the end.
            tracing::info!("the private PostgreSQL cluster is already running; using it");
        } else {
            let cluster = pg.cluster_dir.to_string_lossy().into_owned();
            let log = pg
                .cluster_dir
                .join("server.log")
                .to_string_lossy()
                .into_owned();
            let options = format!(
                "-c listen_addresses='' -k '{}' -p {SOCKET_PORT} -c unix_socket_permissions=0700",
                pg.socket_dir.display()
            );
            pg.run(
                "pg_ctl",
                &[
                    "-D", &cluster, "-l", &log, "-w", "-t", "60", "-o", &options, "start",
                ],
            )
            .await?;
        }
        pg.running = true;
        if let Err(err) = pg.ensure_database().await {
            let _ = pg.stop().await;
            return Err(err);
        }
        Ok(pg)
    }

    /// Connection options for the cluster's `allmende` database over the Unix socket.
    pub fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(SOCKET_PORT)
            .username(DB_NAME)
            .database(DB_NAME)
    }

    /// The cluster's directory.
    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    /// Stops the server.
    pub async fn stop(self) -> Result<(), EmbeddedPgError> {
        if !self.running {
            return Ok(());
        }
        tracing::info!("stopping the private PostgreSQL cluster");
        let cluster = self.cluster_dir.to_string_lossy().into_owned();
        self.run(
            "pg_ctl",
            &["-D", &cluster, "-m", "fast", "-w", "-t", "60", "stop"],
        )
        .await
        .map(|_| ())
    }

    async fn is_running(&self) -> bool {
        let cluster = self.cluster_dir.to_string_lossy().into_owned();
        self.run("pg_ctl", &["-D", &cluster, "status"])
            .await
            .is_ok()
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

    #[test]
    fn an_explicit_directory_without_initdb_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            EmbeddedPostgres::find_bin_dir(Some(dir.path())),
            Err(EmbeddedPgError::BinariesNotFound)
        ));
    }
}
