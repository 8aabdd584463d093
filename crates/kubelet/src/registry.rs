//! Registry access: credentials for a pull (the pod's `imagePullSecrets`, then the node's
//! `registries.yaml`) and the mirrors and endpoints that `registries.yaml` declares, written as
//! containerd host configuration (`<host>/hosts.toml`).
//!
//! `registries.yaml` (in the data dir) takes k3s's format:
//!
//! ```yaml
//! mirrors:
//!   docker.io:
//!     endpoint: ["http://127.0.0.1:5000"]
//! configs:
//!   "127.0.0.1:5000":
//!     auth: {username: me, password: secret}
//!     tls: {insecure_skip_verify: true}
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use cri::api::AuthConfig;
use serde::Deserialize;

/// The registry host of an image reference, as Docker reads it: the first path component when
/// it looks like a host (has `.` or `:`, or is `localhost`), else Docker Hub.
pub fn registry_host(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => {
            normalize_host(first)
        }
        _ => "docker.io".into(),
    }
}

/// A credential key (`https://index.docker.io/v1/`, `host:port`, `http://host/path`) as a host.
fn normalize_host(key: &str) -> String {
    let without_scheme = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = without_scheme.split('/').next().unwrap_or("");
    match host {
        "index.docker.io" | "registry-1.docker.io" => "docker.io".into(),
        h => h.to_ascii_lowercase(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, DockerAuth>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct DockerAuth {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    auth: String,
    #[serde(default, rename = "identitytoken")]
    identity_token: String,
}

impl DockerAuth {
    /// The CRI form. `server_address` stays empty: the runtime then uses the credentials for
    /// whichever endpoint serves the image (its mirrors included); we chose them by the
    /// image's registry already.
    fn to_cri(&self) -> AuthConfig {
        let (mut username, mut password) = (self.username.clone(), self.password.clone());
        if username.is_empty() && !self.auth.is_empty() {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(self.auth.trim())
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if let Some((u, p)) = decoded.split_once(':') {
                (username, password) = (u.to_string(), p.to_string());
            }
        }
        AuthConfig {
            username,
            password,
            identity_token: self.identity_token.clone(),
            ..Default::default()
        }
    }
}

/// The credentials for `host` in an image pull secret: `.dockerconfigjson`
/// (`kubernetes.io/dockerconfigjson`) or `.dockercfg` (`kubernetes.io/dockercfg`).
pub fn secret_credentials(data: &BTreeMap<String, Vec<u8>>, host: &str) -> Vec<AuthConfig> {
    let auths: BTreeMap<String, DockerAuth> = if let Some(json) = data.get(".dockerconfigjson") {
        serde_json::from_slice::<DockerConfig>(json)
            .map(|c| c.auths)
            .unwrap_or_default()
    } else if let Some(json) = data.get(".dockercfg") {
        serde_json::from_slice(json).unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    auths
        .iter()
        .filter(|(key, _)| normalize_host(key) == host)
        .map(|(_, a)| a.to_cri())
        .collect()
}

/// The node's `registries.yaml`.
#[derive(Debug, Default, Deserialize)]
pub struct Registries {
    #[serde(default)]
    mirrors: BTreeMap<String, Mirror>,
    #[serde(default)]
    configs: BTreeMap<String, HostConfig>,
}

#[derive(Debug, Default, Deserialize)]
struct Mirror {
    #[serde(default)]
    endpoint: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct HostConfig {
    auth: Option<DockerAuth>,
    #[serde(default)]
    tls: Tls,
}

#[derive(Debug, Default, Deserialize)]
struct Tls {
    #[serde(default)]
    insecure_skip_verify: bool,
}

impl Registries {
    /// Reads `path`; a missing file is an empty configuration, a malformed one an error.
    pub fn load(path: &Path) -> Result<Registries, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Registries::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The configured credentials for `host`, if any.
    pub fn credentials(&self, host: &str) -> Option<AuthConfig> {
        self.configs
            .iter()
            .find(|(key, _)| normalize_host(key) == host)
            .and_then(|(_, c)| c.auth.as_ref())
            .map(DockerAuth::to_cri)
    }

    /// containerd `hosts.toml` files (registry host → contents) for every mirrored registry.
    pub fn hosts_files(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (registry, mirror) in &self.mirrors {
            let upstream = if registry == "docker.io" {
                "https://registry-1.docker.io".to_string()
            } else {
                format!("https://{registry}")
            };
            let mut text = format!("server = {}\n", toml_string(&upstream));
            for endpoint in &mirror.endpoint {
                let endpoint_host = normalize_host(endpoint);
                let skip_verify = self
                    .configs
                    .iter()
                    .any(|(k, c)| normalize_host(k) == endpoint_host && c.tls.insecure_skip_verify);
                text.push_str(&format!(
                    "\n[host.{}]\n  capabilities = [\"pull\", \"resolve\"]\n",
                    toml_string(endpoint.trim_end_matches('/'))
                ));
                if skip_verify {
                    text.push_str("  skip_verify = true\n");
                }
            }
            out.insert(registry.clone(), text);
        }
        out
    }

    /// Writes [`Registries::hosts_files`] under `dir` (containerd's `config_path`), replacing
    /// what an earlier start wrote.
    pub fn write_hosts(&self, dir: &Path) -> Result<(), String> {
        let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        for (registry, text) in self.hosts_files() {
            if registry.contains(['/', '\0']) || registry.starts_with('.') {
                return Err(format!(
                    "registries.yaml: invalid registry name {registry:?}"
                ));
            }
            let host_dir = dir.join(&registry);
            std::fs::create_dir_all(&host_dir).map_err(|e| io(&host_dir, e))?;
            let file = host_dir.join("hosts.toml");
            std::fs::write(&file, text).map_err(|e| io(&file, e))?;
        }
        Ok(())
    }
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_hosts_are_read_as_docker_does() {
        assert_eq!(registry_host("busybox"), "docker.io");
        assert_eq!(registry_host("me/app:1"), "docker.io");
        assert_eq!(registry_host("127.0.0.1:5000/app:1"), "127.0.0.1:5000");
        assert_eq!(registry_host("localhost/app"), "localhost");
        assert_eq!(registry_host("Registry.Example/app"), "registry.example");
    }

    #[test]
    fn pull_secrets_yield_the_matching_credentials() {
        let json = br#"{"auths": {
            "127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"},
            "https://index.docker.io/v1/": {"username": "hub", "password": "pw"},
            "other.example": {"username": "x", "password": "y"}}}"#;
        let data = BTreeMap::from([(".dockerconfigjson".to_string(), json.to_vec())]);
        let local = secret_credentials(&data, "127.0.0.1:5000");
        assert_eq!(local.len(), 1);
        assert_eq!(
            (local[0].username.as_str(), local[0].password.as_str()),
            ("user", "pass")
        );
        let hub = secret_credentials(&data, "docker.io");
        assert_eq!(hub[0].username, "hub");
        assert!(secret_credentials(&data, "nowhere.example").is_empty());
        let legacy = BTreeMap::from([(
            ".dockercfg".to_string(),
            br#"{"127.0.0.1:5000": {"username": "u", "password": "p"}}"#.to_vec(),
        )]);
        assert_eq!(
            secret_credentials(&legacy, "127.0.0.1:5000")[0].password,
            "p"
        );
        let junk = BTreeMap::from([(".dockerconfigjson".to_string(), b"not json".to_vec())]);
        assert!(secret_credentials(&junk, "docker.io").is_empty());
    }

    #[test]
    fn registries_yaml_becomes_hosts_files_and_credentials() {
        let r: Registries = serde_yaml::from_str(
            r#"
mirrors:
  docker.io:
    endpoint: ["http://127.0.0.1:5000/"]
  "localhost:5001":
    endpoint: ["http://localhost:5001"]
configs:
  "127.0.0.1:5000":
    tls: {insecure_skip_verify: true}
  "localhost:5001":
    auth: {username: me, password: secret}
"#,
        )
        .unwrap();
        let files = r.hosts_files();
        assert_eq!(
            files["docker.io"],
            "server = \"https://registry-1.docker.io\"\n\n[host.\"http://127.0.0.1:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n  skip_verify = true\n"
        );
        assert!(files["localhost:5001"].starts_with("server = \"https://localhost:5001\""));
        let auth = r.credentials("localhost:5001").unwrap();
        assert_eq!(
            (auth.username.as_str(), auth.password.as_str()),
            ("me", "secret")
        );
        assert!(r.credentials("127.0.0.1:5000").is_none());
        let dir = tempfile::tempdir().unwrap();
        r.write_hosts(&dir.path().join("hosts")).unwrap();
        assert!(dir.path().join("hosts/localhost:5001/hosts.toml").is_file());
        assert!(Registries::load(&dir.path().join("missing.yaml")).is_ok());
    }
}
