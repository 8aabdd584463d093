//! Postgres access shared by `worker` and `result`: the schema, the statements, and a
//! connect helper that runs the connection in the background.

use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use crate::config::PgSettings;

/// The table the original app uses, with the voter id as the key so a voter holds one vote.
pub const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS votes (id VARCHAR(255) PRIMARY KEY, vote VARCHAR(255) NOT NULL)";

/// Records a vote, replacing the voter's earlier one.
pub const UPSERT_VOTE: &str =
    "INSERT INTO votes (id, vote) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET vote = EXCLUDED.vote";

/// Counts votes per option.
pub const TALLY: &str = "SELECT vote, COUNT(id) FROM votes GROUP BY vote";

/// How long one connection attempt may take, so a black-holed host fails like a refused one.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Connects and spawns the connection's I/O task. When that task ends (server restart,
/// network loss) the client reports `is_closed()`, which is how callers notice and reconnect.
pub async fn connect(
    settings: &PgSettings,
    service: &'static str,
) -> Result<Client, tokio_postgres::Error> {
    let mut config = tokio_postgres::Config::new();
    config
        .host(&settings.host)
        .port(settings.port)
        .user(&settings.user)
        .password(&settings.password)
        .dbname(&settings.dbname)
        .application_name(service)
        .connect_timeout(CONNECT_TIMEOUT)
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30));
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!(
                "{service}: postgres connection ended: {}",
                crate::error_chain(&e)
            );
        }
    });
    Ok(client)
}
