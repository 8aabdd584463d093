//! Settings from environment variables, with the original app's defaults (service names
//! `redis` and `db`, port 80), so the binaries drop into its Kubernetes manifests unchanged.
//!
//! Lookups go through a function rather than `std::env` so the rules are testable.

use std::fmt;
use std::net::IpAddr;

/// A setting that is present but unusable, or required and missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Looks variables up in the process environment; empty counts as unset.
pub fn from_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A string setting with a default.
pub fn string(env: &impl Fn(&str) -> Option<String>, name: &str, default: &str) -> String {
    env(name).unwrap_or_else(|| default.to_string())
}

/// A port setting with a default. Port 0 is allowed: the OS picks one and the binary logs it.
///
/// Kubernetes' service links give every pod `REDIS_PORT=tcp://198.19.0.7:6379` when a Service
/// named `redis` exists, so a `scheme://host:port` value is accepted for its port.
pub fn port(
    env: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u16,
) -> Result<u16, ConfigError> {
    let Some(value) = env(name) else {
        return Ok(default);
    };
    let text = value.trim();
    let text = match text.split_once("://") {
        Some((_, addr)) => addr.rsplit_once(':').map_or("", |(_, port)| port),
        None => text,
    };
    text.parse()
        .map_err(|_| ConfigError(format!("{name}={value:?} is not a port number")))
}

/// The address to listen on (`LISTEN_ADDR`, default all IPv4 interfaces, as a container wants).
pub fn listen_addr(env: &impl Fn(&str) -> Option<String>) -> Result<IpAddr, ConfigError> {
    match env("LISTEN_ADDR") {
        None => Ok(IpAddr::from([0, 0, 0, 0])),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| ConfigError(format!("LISTEN_ADDR={v:?} is not an IP address"))),
    }
}

/// Where Redis is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisSettings {
    pub host: String,
    pub port: u16,
}

impl RedisSettings {
    pub fn from(env: &impl Fn(&str) -> Option<String>) -> Result<RedisSettings, ConfigError> {
        Ok(RedisSettings {
            host: string(env, "REDIS_HOST", "redis"),
            port: port(env, "REDIS_PORT", 6379)?,
        })
    }
}

/// How to reach Postgres.
#[derive(Clone, PartialEq, Eq)]
pub struct PgSettings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub dbname: String,
}

// Hand-written so the password never reaches a log line.
impl fmt::Debug for PgSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("dbname", &self.dbname)
            .finish_non_exhaustive()
    }
}

impl PgSettings {
    /// Reads the `POSTGRES_*` variables. The password is required: `POSTGRES_PASSWORD`, or the
    /// contents of the file named by `POSTGRES_PASSWORD_FILE` (a mounted Secret), read with
    /// `read_file`, without its trailing newline.
    pub fn from(
        env: &impl Fn(&str) -> Option<String>,
        read_file: impl FnOnce(&str) -> std::io::Result<String>,
    ) -> Result<PgSettings, ConfigError> {
        let password = match (env("POSTGRES_PASSWORD"), env("POSTGRES_PASSWORD_FILE")) {
            (Some(p), _) => p,
            (None, Some(path)) => {
                let text = read_file(&path).map_err(|e| {
                    ConfigError(format!(
                        "POSTGRES_PASSWORD_FILE {path:?} cannot be read: {e}"
                    ))
                })?;
                text.trim_end_matches(['\n', '\r']).to_string()
            }
            (None, None) => {
                return Err(ConfigError(
                    "POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE must be set".into(),
                ))
            }
        };
        Ok(PgSettings {
            host: string(env, "POSTGRES_HOST", "db"),
            port: port(env, "POSTGRES_PORT", 5432)?,
            user: string(env, "POSTGRES_USER", "postgres"),
            password,
            dbname: string(env, "POSTGRES_DB", "postgres"),
        })
    }
}

/// The option names shown on both pages.
pub fn option_names(env: &impl Fn(&str) -> Option<String>) -> (String, String) {
    (
        string(env, "OPTION_A", "Cats"),
        string(env, "OPTION_B", "Dogs"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn no_file(_: &str) -> std::io::Result<String> {
        Err(std::io::ErrorKind::NotFound.into())
    }

    #[test]
    fn defaults() {
        let env = env_of(&[]);
        assert_eq!(
            RedisSettings::from(&env),
            Ok(RedisSettings {
                host: "redis".into(),
                port: 6379
            })
        );
        assert_eq!(port(&env, "PORT", 80), Ok(80));
        assert_eq!(listen_addr(&env), Ok(IpAddr::from([0, 0, 0, 0])));
        assert_eq!(option_names(&env), ("Cats".into(), "Dogs".into()));
        let err = PgSettings::from(&env, no_file).unwrap_err();
        assert!(err.0.contains("POSTGRES_PASSWORD"), "{err}");
    }

    #[test]
    fn overrides_and_bad_values() {
        let env = env_of(&[
            ("PORT", "8080"),
            ("REDIS_PORT", "eighty"),
            ("LISTEN_ADDR", "127.0.0.1"),
            ("OPTION_A", "Tea"),
        ]);
        assert_eq!(port(&env, "PORT", 80), Ok(8080));
        assert!(RedisSettings::from(&env).is_err());
        assert_eq!(listen_addr(&env), Ok(IpAddr::from([127, 0, 0, 1])));
        assert_eq!(option_names(&env), ("Tea".into(), "Dogs".into()));
        assert!(listen_addr(&env_of(&[("LISTEN_ADDR", "localhost")])).is_err());
        assert!(port(&env_of(&[("PORT", "70000")]), "PORT", 80).is_err());
        assert!(port(&env_of(&[("PORT", "tcp://198.19.0.1")]), "PORT", 80).is_err());
    }

    #[test]
    fn accepts_kubernetes_service_link_ports() {
        let env = env_of(&[("REDIS_PORT", "tcp://198.19.43.7:6380")]);
        assert_eq!(RedisSettings::from(&env).map(|r| r.port), Ok(6380));
    }

    #[test]
    fn postgres_password_from_variable_or_file() {
        let pg = PgSettings::from(
            &env_of(&[("POSTGRES_PASSWORD", "pw"), ("POSTGRES_HOST", "h")]),
            no_file,
        )
        .unwrap();
        assert_eq!(
            (
                pg.host.as_str(),
                pg.port,
                pg.user.as_str(),
                pg.dbname.as_str()
            ),
            ("h", 5432, "postgres", "postgres")
        );
        assert_eq!(pg.password, "pw");
        assert!(
            !format!("{pg:?}").contains("password"),
            "password kept out of Debug"
        );

        let pg = PgSettings::from(&env_of(&[("POSTGRES_PASSWORD_FILE", "/s/pw")]), |p| {
            assert_eq!(p, "/s/pw");
            Ok("secret\n".into())
        })
        .unwrap();
        assert_eq!(pg.password, "secret");

        let err =
            PgSettings::from(&env_of(&[("POSTGRES_PASSWORD_FILE", "/nope")]), no_file).unwrap_err();
        assert!(err.0.contains("/nope"), "{err}");
    }
}
