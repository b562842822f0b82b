//! `baraza migrate` and `baraza migrate --check`, run as the real binary,
//! and servers refusing a database that a newer Baraza migrated.

use rstest::rstest;
use rstest_reuse::apply;

use crate::cli::Cli;
use crate::common::{databases, Database};

/// The migrations of `database`'s kind, as `baraza migrate` lists them.
fn listed(database: Database) -> Vec<String> {
    let migrator = match database {
        Database::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Database::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator.iter().map(|m| format!("{:04} {}", m.version, m.description)).collect()
}

/// Applies the migrations before `version` to the CLI's database, as an
/// older Baraza left it.
async fn migrated_before(cli: &Cli, database: Database, version: i64) {
    let mut migrator = match database {
        Database::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Database::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator.migrations =
        migrator.migrations.iter().filter(|m| m.version < version).cloned().collect::<Vec<_>>().into();
    match database {
        Database::Sqlite => {
            let path = cli.dir.path().join("baraza.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
        Database::Postgres => {
            let pool = sqlx::PgPool::connect(&cli.database.url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

/// How many migrations the CLI's database records, read without opening a
/// store (which refuses a database newer than it knows).
async fn applied(cli: &Cli) -> i64 {
    let sql = "SELECT COUNT(*) FROM _sqlx_migrations";
    if cli.database.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&cli.database.url).await.unwrap();
        let count = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        count
    } else {
        let path = cli.dir.path().join("baraza.db");
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display())).await.unwrap();
        let count = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        count
    }
}

#[apply(databases)]
#[tokio::test]
async fn check_lists_what_is_pending_and_changes_nothing_then_migrate_applies_it(#[case] database: Database) {
    let cli = Cli::new(database).await;
    let all = listed(database);
    let latest: i64 = all.len() as i64;
    migrated_before(&cli, database, latest).await;

    let (code, out, err) = cli.run(&["migrate", "--check"]);
    assert_eq!((code, out.as_str()), (1, format!("pending {}\n", all[all.len() - 1]).as_str()), "{err}");
    assert_eq!(cli.run(&["migrate", "--check"]).0, 1, "checking changed nothing");

    let (code, out, err) = cli.run(&["migrate"]);
    assert_eq!((code, out), (0, format!("applied {}\n", all[all.len() - 1])), "{err}");
    assert_eq!(applied(&cli).await, latest);
    assert_eq!(cli.run(&["migrate", "--check"]), (0, "the schema is up to date\n".to_owned(), String::new()));
    assert_eq!(cli.run(&["migrate"]).1, "the schema is up to date\n");
}

#[tokio::test]
async fn check_on_a_missing_sqlite_file_lists_every_migration_and_makes_no_file() {
    let cli = Cli::new(Database::Sqlite).await;
    let (code, out, _) = cli.run(&["migrate", "--check"]);
    assert_eq!(code, 1);
    let expected: String = listed(Database::Sqlite).iter().map(|m| format!("pending {m}\n")).collect();
    assert_eq!(out, expected);
    assert!(!cli.dir.path().join("baraza.db").exists());
}

#[apply(databases)]
#[tokio::test]
async fn a_database_a_newer_baraza_migrated_is_refused_plainly(#[case] database: Database) {
    let cli = Cli::new(database).await;
    assert_eq!(cli.run(&["migrate"]).0, 0);
    let store = cli.store().await;
    let mut tx = store.begin_write().await.unwrap();
    let checksum = match database {
        Database::Sqlite => "X'00'",
        Database::Postgres => "'\\x00'::bytea",
    };
    let newer = format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from a newer Baraza', TRUE, {checksum}, 0)"
    );
    baraza_server::on!(&mut tx, |c| sqlx::query(&newer).execute(c).await.map(drop)).unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    // The newest version this Baraza knows: versions need not be contiguous.
    let newest = match database {
        Database::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Database::Postgres => sqlx::migrate!("./migrations/postgres"),
    }
    .iter()
    .map(|m| m.version)
    .max()
    .unwrap();
    let refusal =
        format!("the database is at schema version 9999, newer than this version of Baraza knows (up to {newest})");
    for command in [&["migrate"][..], &["migrate", "--check"], &["token", "list"], &["serve", "--addr", "127.0.0.1:0"]]
    {
        let (code, out, err) = cli.run(command);
        assert_eq!(code, 2, "{command:?}: {out}{err}");
        assert!(err.contains(&refusal), "{command:?}: {err}");
        assert!(err.contains("restore a backup made before the upgrade"), "{err}");
    }
    let versions = applied(&cli).await;
    assert_eq!(versions, listed(database).len() as i64 + 1, "nothing was changed");
}
