//! The database: one pool and one code path for SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver with `$n` placeholders, which both backends accept,
//! and store only integers and text, which both decode the same way. The few places where
//! the SQL dialects differ ask [`Db`] for the right fragment.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens the pool. A SQLite file (and its folder) is created on first use.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
            create_sqlite_parent(&url)?;
            if !url.contains("mode=") && !url.contains(":memory:") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; busy_timeout makes a
                        // second writer wait its turn instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up front, so
    /// two writers queue on busy_timeout rather than one failing when it upgrades its lock.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Refreshes the statistics the query planner picks indexes by. SQLite gathers none
    /// unless asked, and without them it reads a newest-first page of profiles filtered by
    /// years through the years index, sorting most of the table (a hundred times slower at
    /// 100,000 profiles). PostgreSQL's autovacuum keeps its own; there this is for bulk loads.
    pub async fn analyze(&self) -> Result<(), sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Sqlite {
            // A sample of each index tells a selective filter from a loose one as well as a
            // full count does, and keeps this to milliseconds at any size.
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
        }
        sqlx::query("ANALYZE").execute(&mut *conn).await?;
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// A JSON object built from `(key, sql expression)` pairs.
    pub fn json_object(&self, pairs: &[(&str, &str)]) -> String {
        let args: Vec<String> = pairs.iter().map(|(k, v)| format!("'{k}', {v}")).collect();
        match self.backend {
            Backend::Sqlite => format!("json_object({})", args.join(", ")),
            Backend::Postgres => format!("json_build_object({})", args.join(", ")),
        }
    }

    /// The values of `expr` over a group as JSON array text, in `order_by` order. An empty
    /// group gives `[]` on SQLite and NULL on PostgreSQL: read it as `Option<String>`.
    pub fn json_agg(&self, expr: &str, order_by: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("json_group_array({expr} ORDER BY {order_by})"),
            Backend::Postgres => format!("json_agg({expr} ORDER BY {order_by})::text"),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn create_sqlite_parent(url: &str) -> Result<(), sqlx::Error> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    Ok(())
}

/// The error with its chain of causes, for the log.
pub fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether the error is a unique-constraint violation (a race lost to another writer).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Seconds since the Unix epoch: every timestamp in the database is one of these.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
