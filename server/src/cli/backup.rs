//! `allmende backup FILE` and `allmende restore FILE`: the whole catalogue as one
//! `pg_dump` archive (custom format), and back into an empty database.
//!
//! Both use PostgreSQL's own client programs (`pg_dump`, `pg_restore`) from the machine:
//! `ALLMENDE_PG_BIN`, else the `/usr/lib/postgresql/<version>/bin` of the server's major
//! version, else the newest installed, else the PATH. They reach the database through the
//! `PG*` environment variables (a password never appears on a command line): the embedded
//! cluster over its Unix socket, or whatever `DATABASE_URL` names.
//!
//! A backup is safe beside a running server: it reads one snapshot (exported by our own
//! transaction, which also counts the entries, so the summary matches the file). It is
//! written to `FILE.partial` first, synced and only then renamed, so a full disk or a kill
//! never leaves a truncated `FILE` behind.
//!
//! A restore goes only into an empty catalogue, with no server on it: with the embedded
//! cluster it holds the data directory's serve lock (a running server makes it refuse), and
//! on any database it refuses while other sessions are connected. An empty but migrated
//! schema is dropped first, the archive restored in one transaction, newer migrations applied
//! on top, and the search index rebuilt.

use std::fmt;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{PgPool, Postgres};
use tokio::process::Command;

use crate::config::Config;
use crate::search::SearchIndex;
use crate::{Database, MIGRATOR};

/// Application name of our own connections during a restore (not counted as other sessions).
const RESTORE_APP: &str = "allmende-restore";
/// The first bytes of every custom-format archive.
const ARCHIVE_MAGIC: &[u8] = b"PGDMP";
/// Tables whose rows make a catalogue non-empty.
const CATALOGUE_TABLES: [&str; 4] = ["organisations", "users", "solutions", "data_models"];

/// Why a backup or a restore did not happen. Messages are German, then English.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "Das PostgreSQL-Programm {program} wurde nicht gefunden. Bitte installieren Sie die PostgreSQL-Client-Programme \
         (Debian/Ubuntu: `apt-get install postgresql-client`) oder geben Sie ihr Verzeichnis mit ALLMENDE_PG_BIN an.\n\
         The PostgreSQL program {program} was not found. Install the PostgreSQL client programs \
         (Debian/Ubuntu: `apt-get install postgresql-client`) or point ALLMENDE_PG_BIN at their directory."
    )]
    ClientMissing { program: &'static str },
    #[error(
        "Die PostgreSQL-Programme (Version {client}) sind älter als der Datenbankserver (Version {server}). \
         Bitte installieren Sie die Client-Programme von Version {server} oder neuer (ALLMENDE_PG_BIN).\n\
         The PostgreSQL programs (version {client}) are older than the database server (version {server}). \
         Install the client programs of version {server} or newer (ALLMENDE_PG_BIN)."
    )]
    ClientTooOld { client: String, server: u32 },
    #[error(
        "{program} erreicht die Datenbank {place} nicht. Läuft PostgreSQL dort, und stimmen Adresse, Port und Zugangsdaten?\n\
         {program} cannot reach the database {place}. Is PostgreSQL running there, and are host, port and credentials right? ({detail})"
    )]
    Refused {
        program: &'static str,
        place: String,
        detail: String,
    },
    #[error(
        "Kein Platz mehr auf dem Datenträger für {}. Die Sicherung wurde nicht geschrieben (keine Teil-Datei bleibt zurück); \
         bitte schaffen Sie Platz oder wählen Sie einen anderen Ort.\n\
         No space left on the device for {}. The backup was not written (no partial file is left); \
         free some space or choose another place.",
        path.display(), path.display()
    )]
    DiskFull { path: PathBuf },
    #[error(
        "Die Datei {} gibt es schon; sie wird nicht überschrieben. Wählen Sie einen anderen Namen oder geben Sie --force an.\n\
         The file {} already exists and is not overwritten. Choose another name or pass --force.",
        path.display(), path.display()
    )]
    Exists { path: PathBuf },
    #[error(
        "{} ist keine Sicherung von `allmende backup` (kein pg_dump-Archiv im Custom-Format).\n\
         {} is not a backup made by `allmende backup` (not a pg_dump custom-format archive).",
        path.display(), path.display()
    )]
    NotAnArchive { path: PathBuf },
    #[error(
        "Der Katalog ist nicht leer ({counts}); eine Wiederherstellung würde ihn überschreiben und wird daher abgelehnt. \
         Stellen Sie in eine leere Datenbank wieder her: ein neues Datenverzeichnis (ALLMENDE_DATA_DIR, ohne vorher \
         `allmende serve` mit Demo-Katalog zu starten) oder eine leere Datenbank (DATABASE_URL). Es wurde nichts verändert.\n\
         The catalogue is not empty ({counts}); a restore would overwrite it and is refused. Restore into an empty \
         database: a fresh data directory (ALLMENDE_DATA_DIR, without starting `allmende serve` with the demo catalogue \
         first) or an empty database (DATABASE_URL). Nothing was changed."
    )]
    NotEmpty { counts: Counts },
    #[error(
        "Die Datenbank enthält Tabellen, die nicht von Allmende stammen; sie wird nicht angetastet. \
         Bitte stellen Sie in eine leere Datenbank wieder her.\n\
         The database holds tables that are not Allmende's; it is left alone. Restore into an empty database."
    )]
    ForeignSchema,
    #[error(
        "Mit der Datenbank sind noch {sessions} andere Sitzungen verbunden – läuft noch ein Allmende-Server darauf? \
         Bitte beenden Sie ihn vor der Wiederherstellung. Es wurde nichts verändert.\n\
         {sessions} other sessions are connected to the database — is an Allmende server still running on it? \
         Stop it before restoring. Nothing was changed."
    )]
    OtherSessions { sessions: i64 },
    #[error(
        "Die Wiederherstellung ist fehlgeschlagen; sie geschieht ganz oder gar nicht, die Datenbank ist leer geblieben.\n\
         The restore failed; it is all or nothing, and the database stayed empty. (pg_restore: {detail})"
    )]
    RestoreFailed { detail: String },
    #[error("{program} ist fehlgeschlagen / failed: {detail}")]
    Failed {
        program: &'static str,
        detail: String,
    },
    #[error("Dateisystemfehler / file system error at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Datenbankfehler / database error: {0}")]
    Database(#[from] sqlx::Error),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| {
        if source.raw_os_error() == Some(libc::ENOSPC) {
            BackupError::DiskFull {
                path: path.to_owned(),
            }
        } else {
            BackupError::Io {
                path: path.to_owned(),
                source,
            }
        }
    }
}

/// Rows in the catalogue's main tables (0 for a table that does not exist yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub organisations: i64,
    pub users: i64,
    pub solutions: i64,
    pub data_models: i64,
}

impl Counts {
    fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} Lösungen, {} Datenmodelle, {} Organisationen, {} Konten",
            self.solutions, self.data_models, self.organisations, self.users
        )
    }
}

/// What `allmende backup` wrote.
#[derive(Debug)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub counts: Counts,
}

impl fmt::Display for BackupSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Sicherung geschrieben / backup written: {} ({})\n{}",
            self.path.display(),
            human_size(self.bytes),
            self.counts
        )
    }
}

/// What `allmende restore` restored.
#[derive(Debug)]
pub struct RestoreSummary {
    pub counts: Counts,
    pub indexed: u64,
    pub index_dir: PathBuf,
}

impl fmt::Display for RestoreSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Wiederhergestellt / restored: {}\nSuchindex neu aufgebaut / search index rebuilt: {} Einträge in {}",
            self.counts,
            self.indexed,
            self.index_dir.display()
        )
    }
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
    }
}

/// Writes a consistent dump of the catalogue to `file` (refusing an existing one unless
/// `force`). Safe beside a running server.
pub async fn backup(config: &Config, file: &Path, force: bool) -> anyhow::Result<BackupSummary> {
    if !force && std::fs::symlink_metadata(file).is_ok() {
        return Err(BackupError::Exists {
            path: file.to_owned(),
        }
        .into());
    }
    let partial = partial_path(file);
    let db = Database::open(config).await?;
    let result = dump(config, &db.pool, file, &partial).await;
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    db.close().await?;
    Ok(result?)
}

/// `DATABASE_URL`, when set (else the embedded cluster is used).
fn database_url(config: &Config) -> Option<&str> {
    config
        .database_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

/// `FILE.partial`, beside `FILE`.
fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

async fn dump(
    config: &Config,
    pool: &PgPool,
    file: &Path,
    partial: &Path,
) -> Result<BackupSummary, BackupError> {
    let options = pool.connect_options();
    let server = server_major(pool).await?;
    let bin = client_bin_dir(config.pg_bin.as_deref(), server, "pg_dump")?;

    // The dump file holds accounts (password hashes): readable by its owner only. pg_dump
    // truncates and fills the file we create, keeping its mode and owner (us).
    let _ = std::fs::remove_file(partial);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(partial)
        .map_err(io_err(partial))?;

    // One snapshot for the counts and the dump: our transaction exports it and stays open
    // until pg_dump is done.
    let mut tx = pool.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar("select pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let counts = count(&mut tx).await?;

    let mut cmd = client(&bin, "pg_dump", &options, database_url(config));
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(partial);
    let outcome = run(cmd, "pg_dump", &options, Some(file)).await;
    tx.rollback().await?;
    outcome?;

    let written = std::fs::File::open(partial).map_err(io_err(partial))?;
    written.sync_all().map_err(io_err(partial))?;
    let bytes = written.metadata().map_err(io_err(partial))?.len();
    drop(written);
    std::fs::rename(partial, file).map_err(io_err(file))?;
    // The rename itself is durable once the directory is synced.
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(BackupSummary {
        path: file.to_owned(),
        bytes,
        counts,
    })
}

/// Restores `file` into the (empty) catalogue and rebuilds the search index.
pub async fn restore(
    config: &Config,
    file: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<RestoreSummary> {
    check_archive(file)?;
    // With the embedded cluster, hold the data directory like a server does: a running
    // server makes this refuse, and none can start while we restore.
    let db = if database_url(config).is_some() {
        Database::open(config).await?
    } else {
        Database::open_for_serving(config).await?
    };
    let result = restore_into(config, &db, file, progress).await;
    db.close().await?;
    result
}

fn check_archive(file: &Path) -> Result<(), BackupError> {
    use std::io::Read as _;
    let mut head = [0u8; 5];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut head))
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::UnexpectedEof => BackupError::NotAnArchive {
                path: file.to_owned(),
            },
            _ => BackupError::Io {
                path: file.to_owned(),
                source,
            },
        })?;
    if head != ARCHIVE_MAGIC {
        return Err(BackupError::NotAnArchive {
            path: file.to_owned(),
        });
    }
    Ok(())
}

async fn restore_into(
    config: &Config,
    db: &Database,
    file: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<RestoreSummary> {
    // Our own connections, named, so that they are not mistaken for a server's; the
    // command's pool (one idle connection) is closed.
    let options = (*db.pool.connect_options())
        .clone()
        .application_name(RESTORE_APP);
    db.pool.close().await;
    let pool = work_pool(&options).await?;
    let prepared = prepare_empty(&pool).await;
    pool.close().await;
    prepared?;

    let server = {
        let pool = work_pool(&options).await?;
        let major = server_major(&pool).await;
        pool.close().await;
        major?
    };
    let bin = client_bin_dir(config.pg_bin.as_deref(), server, "pg_restore")?;
    let mut cmd = client(&bin, "pg_restore", &options, database_url(config));
    cmd.arg("--no-owner")
        .arg("--no-privileges")
        .arg("--exit-on-error")
        .arg("--single-transaction")
        .arg("--dbname")
        .arg(options.get_database().unwrap_or(options.get_username()))
        .arg(file);
    let restored = run(cmd, "pg_restore", &options, None).await;

    // Fresh connections: the schema was replaced under any older ones.
    let pool = work_pool(&options).await?;
    if let Err(err) = restored {
        // The single transaction rolled back: leave the empty catalogue as it was.
        let _ = sqlx::query("create schema if not exists public")
            .execute(&pool)
            .await;
        let _ = MIGRATOR.run(&pool).await;
        pool.close().await;
        return Err(match err {
            BackupError::Failed { detail, .. } => BackupError::RestoreFailed { detail },
            other => other,
        }
        .into());
    }
    let result = async {
        MIGRATOR.run(&pool).await?;
        let counts = count(&mut *pool.acquire().await?).await?;
        let index_dir = config.index_dir();
        // Whatever index was there belongs to another catalogue: a new generation is built.
        let index =
            SearchIndex::open_with(&index_dir, &pool, crate::search::Build::Never, progress)
                .await?;
        let indexed = index.rebuild(&pool, progress).await?.documents;
        anyhow::Ok(RestoreSummary {
            counts,
            indexed,
            index_dir: index.dir().to_owned(),
        })
    }
    .await;
    pool.close().await;
    result
}

async fn work_pool(options: &PgConnectOptions) -> Result<PgPool, BackupError> {
    Ok(PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(crate::ACQUIRE_TIMEOUT)
        .connect_with(options.clone())
        .await?)
}

/// Checks that the database holds an empty catalogue and no one else is connected, and
/// clears an empty but migrated schema so the archive's own schema can take its place.
async fn prepare_empty(pool: &PgPool) -> Result<(), BackupError> {
    let mut conn = pool.acquire().await?;
    let counts = count(&mut conn).await?;
    if !counts.is_empty() {
        return Err(BackupError::NotEmpty { counts });
    }
    let sessions: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()
           and backend_type = 'client backend' and application_name <> $1",
    )
    .bind(RESTORE_APP)
    .fetch_one(&mut *conn)
    .await?;
    if sessions > 0 {
        return Err(BackupError::OtherSessions { sessions });
    }
    let objects: i64 = sqlx::query_scalar(
        "select coalesce((select count(*) from pg_class where relnamespace = to_regnamespace('public'))
                       + (select count(*) from pg_proc where pronamespace = to_regnamespace('public'))
                       + (select count(*) from pg_type where typnamespace = to_regnamespace('public'))
                       + (select count(*) from pg_collation where collnamespace = to_regnamespace('public')), 0)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if objects == 0 {
        sqlx::query("create schema if not exists public")
            .execute(&mut *conn)
            .await?;
        return Ok(());
    }
    // Something is there: only an (empty) Allmende schema may be replaced.
    let applied: Option<Vec<i64>> = if table_exists(&mut conn, "_sqlx_migrations").await? {
        Some(
            sqlx::query_scalar("select version from public._sqlx_migrations")
                .fetch_all(&mut *conn)
                .await?,
        )
    } else {
        None
    };
    let ours = applied.is_some_and(|versions| {
        versions
            .iter()
            .all(|v| MIGRATOR.iter().any(|m| m.version == *v))
    });
    if !ours {
        return Err(BackupError::ForeignSchema);
    }
    sqlx::query("drop schema public cascade")
        .execute(&mut *conn)
        .await?;
    sqlx::query("create schema public")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn table_exists(conn: &mut sqlx::PgConnection, table: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select to_regclass($1) is not null")
        .bind(format!("public.{table}"))
        .fetch_one(conn)
        .await
}

/// Rows in the catalogue tables that exist.
async fn count(conn: &mut sqlx::PgConnection) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    for table in CATALOGUE_TABLES {
        if !table_exists(conn, table).await? {
            continue;
        }
        // Dynamic SQL: the table name is one of the constants above.
        let n: i64 =
            sqlx::query_scalar::<Postgres, i64>(&format!("select count(*) from public.{table}"))
                .fetch_one(&mut *conn)
                .await?;
        match table {
            "organisations" => counts.organisations = n,
            "users" => counts.users = n,
            "solutions" => counts.solutions = n,
            _ => counts.data_models = n,
        }
    }
    Ok(counts)
}

/// The server's major version (17 for 17.2).
async fn server_major(pool: &PgPool) -> Result<u32, BackupError> {
    let num: String = sqlx::query_scalar("select current_setting('server_version_num')")
        .fetch_one(pool)
        .await?;
    Ok(num.trim().parse::<u32>().unwrap_or(0) / 10000)
}

/// The directory with `program` for a server of major version `server`: the explicit one
/// (ALLMENDE_PG_BIN), else `/usr/lib/postgresql/<server>/bin`, else the newest installed
/// there (if not older than the server), else the PATH.
fn client_bin_dir(
    explicit: Option<&Path>,
    server: u32,
    program: &'static str,
) -> Result<PathBuf, BackupError> {
    let has = |dir: &Path| dir.join(program).is_file();
    if let Some(dir) = explicit {
        return if has(dir) {
            Ok(dir.to_owned())
        } else {
            Err(BackupError::ClientMissing { program })
        };
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.iter().find(|(v, _)| *v == server) {
        return Ok(bin.clone());
    }
    if let Some((newest, bin)) = versions.last() {
        return if *newest >= server {
            Ok(bin.clone())
        } else {
            Err(BackupError::ClientTooOld {
                client: newest.to_string(),
                server,
            })
        };
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .find(|dir| has(dir))
        .ok_or(BackupError::ClientMissing { program })
}

/// `program` with the connection in `PG*` variables (the password too: never an argument).
fn client(bin: &Path, program: &str, options: &PgConnectOptions, url: Option<&str>) -> Command {
    let mut cmd = Command::new(bin.join(program));
    cmd.env("LC_ALL", "C.UTF-8")
        .env("LC_MESSAGES", "C")
        .env_remove("PGSERVICE")
        .env_remove("PGSERVICEFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in connection_env(options, url) {
        cmd.env(key, value);
    }
    cmd
}

/// The `PG*` environment for libpq that reaches the same database as `options` (and, for
/// `DATABASE_URL`, with its password and TLS files, which the options do not reveal).
fn connection_env(options: &PgConnectOptions, url: Option<&str>) -> Vec<(&'static str, String)> {
    let host = match options.get_socket() {
        Some(dir) => dir.to_string_lossy().into_owned(),
        None => options.get_host().to_owned(),
    };
    let sslmode = match options.get_ssl_mode() {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    };
    let mut env = vec![
        ("PGHOST", host),
        ("PGPORT", options.get_port().to_string()),
        ("PGUSER", options.get_username().to_owned()),
        (
            "PGDATABASE",
            options
                .get_database()
                .unwrap_or(options.get_username())
                .to_owned(),
        ),
        ("PGSSLMODE", sslmode.to_owned()),
    ];
    if let Some(name) = options.get_application_name() {
        env.push(("PGAPPNAME", name.to_owned()));
    }
    if let Some(url) = url.and_then(|u| url::Url::parse(u).ok()) {
        if let Some(password) = url.password() {
            let password = percent_encoding_decode(password);
            env.push(("PGPASSWORD", password));
        }
        for (key, value) in url.query_pairs() {
            let var = match key.as_ref() {
                "sslrootcert" | "ssl-root-cert" | "ssl-ca" => "PGSSLROOTCERT",
                "sslcert" | "ssl-cert" => "PGSSLCERT",
                "sslkey" | "ssl-key" => "PGSSLKEY",
                "options" => "PGOPTIONS",
                _ => continue,
            };
            env.push((var, value.into_owned()));
        }
    }
    env
}

/// Decodes `%XX` escapes (the URL crate leaves the password encoded).
fn percent_encoding_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a client program to its end and turns its failure into a clear error.
async fn run(
    mut cmd: Command,
    program: &'static str,
    options: &PgConnectOptions,
    file: Option<&Path>,
) -> Result<(), BackupError> {
    let output = match cmd.output().await {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::ClientMissing { program });
        }
        Err(err) => {
            return Err(BackupError::Failed {
                program,
                detail: err.to_string(),
            });
        }
    };
    if output.status.success() {
        return Ok(());
    }
    let detail = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    Err(classify(program, options, file, detail))
}

/// The error for a client program's failure, from its (English) message. `file` is the
/// file it writes, if any: a full disk there is ours to report.
fn classify(
    program: &'static str,
    options: &PgConnectOptions,
    file: Option<&Path>,
    detail: String,
) -> BackupError {
    let lower = detail.to_lowercase();
    if let Some(path) = file
        && lower.contains("no space left on device")
        && lower.contains("output file")
    {
        BackupError::DiskFull {
            path: path.to_owned(),
        }
    } else if lower.contains("server version mismatch") || lower.contains("unsupported version") {
        let client = detail
            .split("pg_dump version:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_owned();
        let server = detail
            .split("server version:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.split('.').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if server == 0 {
            BackupError::Failed { program, detail }
        } else {
            BackupError::ClientTooOld { client, server }
        }
    } else if lower.contains("connection to server") || lower.contains("could not connect") {
        BackupError::Refused {
            program,
            place: format!(
                "{}:{}/{}",
                options.get_socket().map_or_else(
                    || options.get_host().to_owned(),
                    |s| s.display().to_string()
                ),
                options.get_port(),
                options.get_database().unwrap_or_default()
            ),
            detail,
        }
    } else {
        BackupError::Failed { program, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_goes_into_the_environment_decoded() {
        let url = "postgres://betrieb:ge%2Fheim%40@db.example:6543/katalog?sslmode=require&sslrootcert=/etc/ca.pem";
        let options: PgConnectOptions = url.parse().unwrap();
        let env = connection_env(&options, Some(url));
        let get = |key: &str| env.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str());
        assert_eq!(get("PGHOST"), Some("db.example"));
        assert_eq!(get("PGPORT"), Some("6543"));
        assert_eq!(get("PGUSER"), Some("betrieb"));
        assert_eq!(get("PGDATABASE"), Some("katalog"));
        assert_eq!(get("PGPASSWORD"), Some("ge/heim@"));
        assert_eq!(get("PGSSLMODE"), Some("require"));
        assert_eq!(get("PGSSLROOTCERT"), Some("/etc/ca.pem"));
    }

    #[test]
    fn a_socket_directory_becomes_the_host() {
        let options = PgConnectOptions::new()
            .socket("/run/allmende-pg")
            .port(5432)
            .username("allmende")
            .database("allmende");
        let env = connection_env(&options, None);
        assert!(env.contains(&("PGHOST", "/run/allmende-pg".to_owned())));
        assert!(!env.iter().any(|(k, _)| *k == "PGPASSWORD"));
    }

    #[test]
    fn a_full_disk_and_a_refused_connection_are_recognised() {
        let options = PgConnectOptions::new()
            .host("db.example")
            .database("katalog");
        let full = classify(
            "pg_dump",
            &options,
            Some(Path::new("/srv/a.dump")),
            "pg_dump: error: could not write to output file: No space left on device".into(),
        );
        assert!(matches!(full, BackupError::DiskFull { .. }), "{full}");
        let refused = classify(
            "pg_dump",
            &options,
            None,
            "pg_dump: error: connection to server at \"db.example\" (10.0.0.1), port 5432 failed: Connection refused".into(),
        );
        assert!(matches!(refused, BackupError::Refused { .. }), "{refused}");
        let old = classify(
            "pg_dump",
            &options,
            None,
            "pg_dump: error: aborting because of server version mismatch\npg_dump: detail: server version: 17.2; pg_dump version: 15.10".into(),
        );
        assert!(
            matches!(old, BackupError::ClientTooOld { server: 17, .. }),
            "{old}"
        );
    }

    #[test]
    fn the_partial_file_sits_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/srv/backup/allmende.dump")),
            PathBuf::from("/srv/backup/allmende.dump.partial")
        );
    }
}
