//! Pod spec → CRI configuration: environment (values, references, `$(VAR)` expansion,
//! `envFrom`), volumes materialised under the pod's directory, and mounts.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use cri::api;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service,
    ServiceAccount, Volume,
};
use kube::{Api, Client, ResourceExt};

/// Service-account tokens the agent holds for its pods, reused until 80% of their lifetime
/// has passed (as kubelet's token manager does).
#[derive(Default)]
pub struct TokenCache {
    tokens: std::sync::Mutex<HashMap<String, (String, std::time::Instant)>>,
}

/// Fetches ConfigMaps, Secrets and claims of the pod's namespace (the first two once per
/// sync), and service-account tokens through the agent's [`TokenCache`].
pub struct Sources {
    client: Client,
    ns: String,
    config_maps: HashMap<String, Option<ConfigMap>>,
    secrets: HashMap<String, Option<Secret>>,
    tokens: std::sync::Arc<TokenCache>,
}

impl Sources {
    pub fn new(client: Client, ns: &str, tokens: std::sync::Arc<TokenCache>) -> Sources {
        Sources {
            client,
            ns: ns.to_string(),
            config_maps: HashMap::new(),
            secrets: HashMap::new(),
            tokens,
        }
    }

    /// The Services a container's environment describes: `default/kubernetes` first, then
    /// (with `links`) those of the pod's namespace.
    pub async fn services(&self, links: bool) -> Result<Vec<Service>, String> {
        let mut out = Vec::new();
        let default: Api<Service> = Api::namespaced(self.client.clone(), "default");
        if let Some(k) = default
            .get_opt("kubernetes")
            .await
            .map_err(|e| e.to_string())?
        {
            out.push(k);
        }
        if links {
            let here: Api<Service> = Api::namespaced(self.client.clone(), &self.ns);
            let list = here
                .list(&Default::default())
                .await
                .map_err(|e| e.to_string())?;
            out.extend(list.items.into_iter().filter(|s| {
                !(self.ns == "default" && s.metadata.name.as_deref() == Some("kubernetes"))
            }));
        }
        Ok(out)
    }

    /// A token of the pod's service account bound to the pod (TokenRequest), for
    /// `audience` (empty: the API server's), lasting `expiration` seconds.
    pub async fn service_account_token(
        &self,
        pod: &Pod,
        audience: &str,
        expiration: i64,
    ) -> Result<String, String> {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let account = pod
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "default".into());
        let key = format!("{uid}/{account}/{audience}/{expiration}");
        let now = std::time::Instant::now();
        if let Ok(cache) = self.tokens.tokens.lock() {
            if let Some((token, refresh_at)) = cache.get(&key) {
                if now < *refresh_at {
                    return Ok(token.clone());
                }
            }
        }
        let audiences: Vec<&str> = if audience.is_empty() {
            Vec::new()
        } else {
            vec![audience]
        };
        let request = serde_json::json!({
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
            "spec": {"audiences": audiences, "expirationSeconds": expiration,
                     "boundObjectRef": {"apiVersion": "v1", "kind": "Pod",
                                        "name": pod.name_any(), "uid": uid}},
        });
        let api: Api<ServiceAccount> = Api::namespaced(self.client.clone(), &self.ns);
        let reply: TokenRequest = api
            .create_subresource("token", &account, &Default::default(), &request)
            .await
            .map_err(|e| format!("failed to fetch token: {e}"))?;
        let token = reply.status.map(|s| s.token).unwrap_or_default();
        let refresh_at = now + std::time::Duration::from_secs((expiration.max(1) as u64) * 4 / 5);
        if let Ok(mut cache) = self.tokens.tokens.lock() {
            cache.retain(|_, (_, at)| *at > now);
            cache.insert(key, (token.clone(), refresh_at));
        }
        Ok(token)
    }

    /// The host directory of a bound claim's volume (created if missing), or an error saying
    /// why it cannot be mounted yet.
    pub async fn claim_path(&self, claim: &str) -> Result<PathBuf, String> {
        let claims: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &self.ns);
        let pvc = claims
            .get_opt(claim)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("persistentvolumeclaim \"{claim}\" not found"))?;
        let bound = pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
        let volume = pvc
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.clone())
            .filter(|v| bound && !v.is_empty())
            .ok_or_else(|| format!("persistentvolumeclaim \"{claim}\" is not bound yet"))?;
        let pv = Api::<PersistentVolume>::all(self.client.clone())
            .get(&volume)
            .await
            .map_err(|e| format!("persistentvolume \"{volume}\": {e}"))?;
        let spec = pv.spec.unwrap_or_default();
        let path = spec
            .host_path
            .map(|h| h.path)
            .or(spec.local.map(|l| l.path))
            .ok_or_else(|| {
                format!("persistentvolume \"{volume}\" is neither hostPath nor local")
            })?;
        let path = PathBuf::from(path);
        if !path.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(path)
    }

    /// The ConfigMap's data (binaryData included), or None when it does not exist.
    pub async fn config_map(
        &mut self,
        name: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>, String> {
        if !self.config_maps.contains_key(name) {
            let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), &self.ns);
            let cm = api.get_opt(name).await.map_err(|e| e.to_string())?;
            self.config_maps.insert(name.to_string(), cm);
        }
        Ok(self.config_maps[name].as_ref().map(|cm| {
            let mut out: BTreeMap<String, Vec<u8>> = cm
                .data
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
                .collect();
            for (k, v) in cm.binary_data.iter().flatten() {
                out.insert(k.clone(), v.0.clone());
            }
            out
        }))
    }

    /// The Secret's data (stringData is folded in by the API server), or None.
    pub async fn secret(
        &mut self,
        name: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>, String> {
        if !self.secrets.contains_key(name) {
            let api: Api<Secret> = Api::namespaced(self.client.clone(), &self.ns);
            let s = api.get_opt(name).await.map_err(|e| e.to_string())?;
            self.secrets.insert(name.to_string(), s);
        }
        Ok(self.secrets[name].as_ref().map(|s| {
            let mut out: BTreeMap<String, Vec<u8>> = s
                .data
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.0.clone()))
                .collect();
            for (k, v) in s.string_data.iter().flatten() {
                out.insert(k.clone(), v.clone().into_bytes());
            }
            out
        }))
    }
}

/// Expands `$(VAR)` references from `env`; `$$` escapes `$`; unknown references stay as they
/// are (upstream's `expansion.Expand`).
pub fn expand(input: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(input.len());
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && i + 1 < bytes.len() {
            match bytes[i + 1] {
                b'$' => {
                    out.push('$');
                    i += 2;
                    continue;
                }
                b'(' => {
                    if let Some(end) = input[i + 2..].find(')') {
                        let name = &input[i + 2..i + 2 + end];
                        match env(name) {
                            Some(v) => out.push_str(&v),
                            None => out.push_str(&input[i..i + 3 + end]),
                        }
                        i += 3 + end;
                        continue;
                    }
                }
                _ => {}
            }
        }
        let ch = input[i..].chars().next().unwrap_or('$');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The value of a downward-API field path of `pod`.
pub fn field_value(pod: &Pod, path: &str, host_ip: &str) -> Result<String, String> {
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    let annotation_or_label = |prefix: &str, map: Option<&BTreeMap<String, String>>| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .map(|k| map.and_then(|m| m.get(k)).cloned().unwrap_or_default())
    };
    if let Some(v) = annotation_or_label("metadata.labels['", pod.metadata.labels.as_ref()) {
        return Ok(v);
    }
    if let Some(v) =
        annotation_or_label("metadata.annotations['", pod.metadata.annotations.as_ref())
    {
        return Ok(v);
    }
    let map_text = |m: Option<&BTreeMap<String, String>>| {
        m.into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(match path {
        "metadata.name" => pod.name_any(),
        "metadata.namespace" => pod.namespace().unwrap_or_default(),
        "metadata.uid" => pod.metadata.uid.clone().unwrap_or_default(),
        "metadata.labels" => map_text(pod.metadata.labels.as_ref()),
        "metadata.annotations" => map_text(pod.metadata.annotations.as_ref()),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()).unwrap_or_default(),
        "spec.serviceAccountName" => spec
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_else(|| "default".into()),
        "status.hostIP" | "status.hostIPs" => host_ip.to_string(),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
        "status.podIPs" => status
            .and_then(|s| s.pod_ips.as_ref())
            .map(|ips| {
                ips.iter()
                    .map(|i| i.ip.clone())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        other => return Err(format!("unsupported fieldRef {other:?}")),
    })
}

/// A resourceFieldRef value: the container's limit (else request) in the divisor's unit; CPU
/// rounds up, as upstream does. Unset limits fall back to the node's allocatable.
pub fn resource_value(
    container: &Container,
    resource: &str,
    divisor: Option<&str>,
    node_cpus: u64,
    node_memory: u64,
) -> Result<String, String> {
    let res = container.resources.as_ref();
    let get = |which: &str, name: &str| {
        let m = if which == "limits" {
            res.and_then(|r| r.limits.as_ref())
        } else {
            res.and_then(|r| r.requests.as_ref())
        };
        m.and_then(|m| m.get(name)).map(|q| q.0.clone())
    };
    let (which, name) = resource.split_once('.').ok_or("bad resource")?;
    let is_cpu = name == "cpu";
    let q = get(which, name).or_else(|| {
        if which == "limits" {
            Some(if is_cpu {
                node_cpus.to_string()
            } else {
                node_memory.to_string()
            })
        } else {
            None
        }
    });
    let value = match q {
        Some(q) => parse_quantity(&q).ok_or_else(|| format!("bad quantity {q:?}"))?,
        None => 0.0,
    };
    let div = divisor
        .and_then(parse_quantity)
        .filter(|d| *d > 0.0)
        .unwrap_or(1.0);
    Ok(((value / div).ceil() as i64).to_string())
}

/// A Kubernetes quantity as a number (`500m`, `64Mi`, `1G`, `2`).
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let (num, mult) = [
        ("Ki", 1024f64),
        ("Mi", 1024f64.powi(2)),
        ("Gi", 1024f64.powi(3)),
        ("Ti", 1024f64.powi(4)),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ]
    .iter()
    .find_map(|(s, m)| q.strip_suffix(s).map(|n| (n, *m)))
    .unwrap_or((q, 1.0));
    num.parse::<f64>().ok().map(|n| n * mult)
}

/// The container's environment, in order, after references and expansion.
pub async fn environment(
    pod: &Pod,
    c: &Container,
    sources: &mut Sources,
    host_ip: &str,
) -> Result<Vec<(String, String)>, String> {
    let links = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    let mut vars: Vec<(String, String)> =
        crate::service_env::service_env(&sources.services(links).await?);
    let set = |vars: &mut Vec<(String, String)>, k: String, v: String| {
        if let Some(e) = vars.iter_mut().find(|(n, _)| *n == k) {
            e.1 = v;
        } else {
            vars.push((k, v));
        }
    };
    for from in c.env_from.iter().flatten() {
        let prefix = from.prefix.clone().unwrap_or_default();
        let (data, optional, what, name) = if let Some(r) = &from.config_map_ref {
            (
                sources.config_map(&r.name).await?,
                r.optional.unwrap_or(false),
                "configmap",
                r.name.clone(),
            )
        } else if let Some(r) = &from.secret_ref {
            (
                sources.secret(&r.name).await?,
                r.optional.unwrap_or(false),
                "secret",
                r.name.clone(),
            )
        } else {
            continue;
        };
        match data {
            Some(d) => {
                for (k, v) in d {
                    set(
                        &mut vars,
                        format!("{prefix}{k}"),
                        String::from_utf8_lossy(&v).into_owned(),
                    );
                }
            }
            None if optional => {}
            None => return Err(format!("{what} \"{name}\" not found")),
        }
    }
    let node_cpus = {
        // SAFETY: sysconf has no preconditions.
        unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) }.max(1) as u64
    };
    for e in c.env.iter().flatten() {
        let value = if let Some(vf) = &e.value_from {
            if let Some(r) = &vf.config_map_key_ref {
                let data = sources.config_map(&r.name).await?;
                match data.as_ref().and_then(|d| d.get(&r.key)) {
                    Some(v) => String::from_utf8_lossy(v).into_owned(),
                    None if r.optional.unwrap_or(false) => continue,
                    None if data.is_none() => {
                        return Err(format!("configmap \"{}\" not found", r.name))
                    }
                    None => {
                        return Err(format!(
                            "couldn't find key {} in ConfigMap {}/{}",
                            r.key,
                            pod.namespace().unwrap_or_default(),
                            r.name
                        ))
                    }
                }
            } else if let Some(r) = &vf.secret_key_ref {
                let data = sources.secret(&r.name).await?;
                match data.as_ref().and_then(|d| d.get(&r.key)) {
                    Some(v) => String::from_utf8_lossy(v).into_owned(),
                    None if r.optional.unwrap_or(false) => continue,
                    None if data.is_none() => {
                        return Err(format!("secret \"{}\" not found", r.name))
                    }
                    None => {
                        return Err(format!(
                            "couldn't find key {} in Secret {}/{}",
                            r.key,
                            pod.namespace().unwrap_or_default(),
                            r.name
                        ))
                    }
                }
            } else if let Some(r) = &vf.field_ref {
                field_value(pod, &r.field_path, host_ip)?
            } else if let Some(r) = &vf.resource_field_ref {
                let target = match r.container_name.as_deref() {
                    Some(n) if !n.is_empty() => pod
                        .spec
                        .iter()
                        .flat_map(|s| {
                            s.containers
                                .iter()
                                .chain(s.init_containers.iter().flatten())
                        })
                        .find(|x| x.name == n)
                        .unwrap_or(c),
                    _ => c,
                };
                resource_value(
                    target,
                    &r.resource,
                    r.divisor.as_ref().map(|d| d.0.as_str()),
                    node_cpus,
                    crate::node::capacity(Path::new("/"))
                        .get("memory")
                        .and_then(|q| parse_quantity(&q.0))
                        .unwrap_or(0.0) as u64,
                )?
            } else {
                String::new()
            }
        } else {
            let raw = e.value.clone().unwrap_or_default();
            let snapshot = vars.clone();
            expand(&raw, &|n| {
                snapshot
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.clone())
            })
        };
        set(&mut vars, e.name.clone(), value);
    }
    Ok(vars)
}

/// A relative path that stays below its base (no `..`, not absolute).
fn safe_relative(p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    if p.is_empty()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(path.to_path_buf())
}

fn write_file(dir: &Path, rel: &str, data: &[u8], mode: u32) -> Result<(), String> {
    let rel = safe_relative(rel).ok_or_else(|| format!("invalid path {rel:?}"))?;
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o777))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Files of a projected volume: path → bytes, mode.
type Projection = Vec<(String, Vec<u8>, u32)>;

/// The symlink to the current generation of a projected volume's files.
const DATA_LINK: &str = "..data";

/// Makes `dir` hold `files` the way kubelet's atomic writer does, so that a running container
/// sees an update all at once: the files live in a generation directory `..<time>`, `..data`
/// points at the current one, and each top-level name is a symlink through `..data`. An
/// update writes a new generation and swaps `..data` with a rename. Returns whether anything
/// changed.
fn write_projection(dir: &Path, files: &[(String, Vec<u8>, u32)]) -> Result<bool, String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let link = dir.join(DATA_LINK);
    let current = std::fs::read_link(&link).ok();
    if let Some(cur) = &current {
        if projection_matches(&dir.join(cur), files) {
            return Ok(false);
        }
    }
    let stamp = chrono::Utc::now()
        .format("..%Y_%m_%d_%H_%M_%S.%f")
        .to_string();
    let generation = dir.join(&stamp);
    let _ = std::fs::remove_dir_all(&generation);
    std::fs::create_dir(&generation).map_err(|e| io(&generation, e))?;
    for (rel, data, mode) in files {
        write_file(&generation, rel, data, *mode)?;
    }
    let tmp = dir.join("..data_tmp");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(&stamp, &tmp).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &link).map_err(|e| io(&link, e))?;
    let tops: std::collections::BTreeSet<String> = files
        .iter()
        .filter_map(|(rel, _, _)| rel.split('/').next().map(str::to_string))
        .collect();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if name.starts_with("..") {
            if name != DATA_LINK && Some(Path::new(&name)) != Some(Path::new(&stamp)) {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if !tops.contains(&name) || !is_link {
            // Gone from the source, or a plain file of an older layout.
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
    for top in &tops {
        let path = dir.join(top);
        if std::fs::symlink_metadata(&path).is_err() {
            std::os::unix::fs::symlink(Path::new(DATA_LINK).join(top), &path)
                .map_err(|e| io(&path, e))?;
        }
    }
    Ok(true)
}

/// Whether generation directory `dir` holds exactly `files`.
fn projection_matches(dir: &Path, files: &[(String, Vec<u8>, u32)]) -> bool {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    count(&e.path())
                } else {
                    1
                }
            })
            .sum()
    }
    count(dir) == files.len()
        && files.iter().all(|(rel, data, mode)| {
            let path = dir.join(rel);
            let same_mode = std::fs::metadata(&path)
                .is_ok_and(|m| m.permissions().mode() & 0o777 == mode & 0o777);
            same_mode && std::fs::read(&path).is_ok_and(|d| &d == data)
        })
}

/// The files of a configMap, secret or downwardAPI volume as they should be now; `None` for
/// other volume sources.
async fn projection_files(
    pod: &Pod,
    v: &Volume,
    sources: &mut Sources,
    host_ip: &str,
) -> Result<Option<Projection>, String> {
    let files = if let Some(cm) = &v.config_map {
        let mode = cm.default_mode.unwrap_or(0o644) as u32;
        let data = sources.config_map(&cm.name).await?;
        source_files(
            data,
            "configmap",
            &cm.name,
            cm.items.as_deref(),
            cm.optional,
            mode,
        )?
    } else if let Some(s) = &v.secret {
        let name = s.secret_name.clone().unwrap_or_default();
        let mode = s.default_mode.unwrap_or(0o644) as u32;
        let data = sources.secret(&name).await?;
        source_files(data, "secret", &name, s.items.as_deref(), s.optional, mode)?
    } else if let Some(p) = &v.projected {
        projected_files(pod, p, sources, host_ip).await?
    } else if let Some(d) = &v.downward_api {
        let mode = d.default_mode.unwrap_or(0o644) as u32;
        downward_files(pod, d.items.as_deref().unwrap_or_default(), mode, host_ip)?
    } else {
        return Ok(None);
    };
    Ok(Some(files))
}

/// The files of a configMap or secret (`what`) named `name`: its selected keys, or none
/// when it is missing but optional.
fn source_files(
    data: Option<BTreeMap<String, Vec<u8>>>,
    what: &str,
    name: &str,
    items: Option<&[k8s_openapi::api::core::v1::KeyToPath]>,
    optional: Option<bool>,
    mode: u32,
) -> Result<Projection, String> {
    match data {
        Some(data) => select_items(&data, items, mode, what, name),
        None if optional.unwrap_or(false) => Ok(Vec::new()),
        None => Err(format!("{what} \"{name}\" not found")),
    }
}

/// A projected volume's files: each source's, together (later sources win on equal paths).
async fn projected_files(
    pod: &Pod,
    p: &k8s_openapi::api::core::v1::ProjectedVolumeSource,
    sources: &mut Sources,
    host_ip: &str,
) -> Result<Projection, String> {
    let mode = p.default_mode.unwrap_or(0o644) as u32;
    let mut files: Projection = Vec::new();
    for source in p.sources.iter().flatten() {
        if let Some(cm) = &source.config_map {
            let data = sources.config_map(&cm.name).await?;
            let items = cm.items.as_deref();
            files.extend(source_files(
                data,
                "configmap",
                &cm.name,
                items,
                cm.optional,
                mode,
            )?);
        }
        if let Some(s) = &source.secret {
            let data = sources.secret(&s.name).await?;
            let items = s.items.as_deref();
            files.extend(source_files(
                data, "secret", &s.name, items, s.optional, mode,
            )?);
        }
        if let Some(d) = &source.downward_api {
            files.extend(downward_files(
                pod,
                d.items.as_deref().unwrap_or_default(),
                mode,
                host_ip,
            )?);
        }
        if let Some(t) = &source.service_account_token {
            let audience = t.audience.clone().unwrap_or_default();
            let expiration = t.expiration_seconds.unwrap_or(3600);
            let token = sources
                .service_account_token(pod, &audience, expiration)
                .await?;
            // The volume's mode: containers running as another user than root must be able
            // to read the token.
            files.push((t.path.clone(), token.into_bytes(), mode));
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.reverse();
    files.retain(|(path, _, _)| seen.insert(path.clone()));
    files.reverse();
    Ok(files)
}

/// The files of downwardAPI items (in a downwardAPI or projected volume).
fn downward_files(
    pod: &Pod,
    items: &[k8s_openapi::api::core::v1::DownwardAPIVolumeFile],
    mode: u32,
    host_ip: &str,
) -> Result<Projection, String> {
    let spec = pod.spec.as_ref().ok_or("pod has no spec")?;
    {
        let mut files = Vec::new();
        for item in items {
            let value = match (&item.field_ref, &item.resource_field_ref) {
                (Some(f), _) => field_value(pod, &f.field_path, host_ip)?,
                (None, Some(r)) => {
                    let c = spec
                        .containers
                        .iter()
                        .find(|c| Some(c.name.as_str()) == r.container_name.as_deref())
                        .or(spec.containers.first())
                        .ok_or("no container")?;
                    resource_value(
                        c,
                        &r.resource,
                        r.divisor.as_ref().map(|d| d.0.as_str()),
                        1,
                        0,
                    )?
                }
                _ => String::new(),
            };
            files.push((
                item.path.clone(),
                value.into_bytes(),
                item.mode.map_or(mode, |m| m as u32),
            ));
        }
        Ok(files)
    }
}

/// Brings the pod's configMap, secret and downwardAPI volumes up to date (as kubelet's
/// periodic sync does; containers see the new files, except through `subPath` mounts).
/// Returns the names of the volumes that changed.
pub async fn refresh_projections(
    pod: &Pod,
    volumes: &HashMap<String, PathBuf>,
    sources: &mut Sources,
    host_ip: &str,
) -> Result<Vec<String>, String> {
    let spec = pod.spec.as_ref().ok_or("pod has no spec")?;
    let mut changed = Vec::new();
    for v in spec.volumes.iter().flatten() {
        let Some(dir) = volumes.get(&v.name) else {
            continue;
        };
        if let Some(files) = projection_files(pod, v, sources, host_ip).await? {
            if write_projection(dir, &files)? {
                changed.push(v.name.clone());
            }
        }
    }
    Ok(changed)
}

/// Materialises the pod's volumes under `pod_dir/volumes`; returns name → host path.
pub async fn prepare_volumes(
    pod: &Pod,
    pod_dir: &Path,
    sources: &mut Sources,
    host_ip: &str,
) -> Result<HashMap<String, PathBuf>, String> {
    let mut out = HashMap::new();
    let spec = pod.spec.as_ref().ok_or("pod has no spec")?;
    let base = pod_dir.join("volumes");
    for v in spec.volumes.iter().flatten() {
        let dir = base.join(&v.name);
        let path = if let Some(hp) = &v.host_path {
            let p = PathBuf::from(&hp.path);
            match hp.type_.as_deref().unwrap_or("") {
                "DirectoryOrCreate" => {
                    std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?
                }
                "FileOrCreate" if !p.exists() => {
                    if let Some(parent) = p.parent() {
                        let _ = std::fs::create_dir_all(parent);
                    }
                    std::fs::write(&p, b"").map_err(|e| format!("{}: {e}", p.display()))?
                }
                "Directory" if !p.is_dir() => {
                    return Err(format!(
                        "hostPath type check failed: {} is not a directory",
                        p.display()
                    ))
                }
                "File" if !p.is_file() => {
                    return Err(format!(
                        "hostPath type check failed: {} is not a file",
                        p.display()
                    ))
                }
                _ => {}
            }
            p
        } else if let Some(files) = projection_files(pod, v, sources, host_ip).await? {
            write_projection(&dir, &files)?;
            dir
        } else if let Some(claim) = &v.persistent_volume_claim {
            sources.claim_path(&claim.claim_name).await?
        } else if v.ephemeral.is_some() {
            // A generic ephemeral volume is the claim `<pod>-<volume>` made for the pod.
            let claim = format!("{}-{}", pod.metadata.name.as_deref().unwrap_or(""), v.name);
            sources.claim_path(&claim).await?
        } else {
            // emptyDir, and volume sources this agent does not implement, get an empty directory.
            if v.empty_dir.is_none() {
                tracing::debug!(volume = %v.name, "unsupported volume source; using an empty directory");
            }
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777))
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            dir
        };
        out.insert(v.name.clone(), path);
    }
    Ok(out)
}

/// Gives the pod's volumes to `gid` (`fsGroup`) as upstream does: group ownership, group
/// read-write (read-only for configMap, secret, downwardAPI and projected volumes), and
/// setgid directories so new files inherit the group. Host paths are left alone.
pub fn apply_fs_group(
    spec: &k8s_openapi::api::core::v1::PodSpec,
    volumes: &HashMap<String, PathBuf>,
    gid: i64,
) {
    let Ok(gid) = u32::try_from(gid) else { return };
    for v in spec.volumes.iter().flatten() {
        if v.host_path.is_some() {
            continue;
        }
        let read_only = v.config_map.is_some()
            || v.secret.is_some()
            || v.downward_api.is_some()
            || v.projected.is_some();
        if let Some(path) = volumes.get(&v.name) {
            set_group(path, gid, read_only);
        }
    }
}

fn set_group(path: &Path, gid: u32, read_only: bool) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    if let Err(e) = std::os::unix::fs::chown(path, None, Some(gid)) {
        tracing::warn!(path = %path.display(), error = %e, "fsGroup: chown failed");
        return;
    }
    let mode = meta.permissions().mode() & 0o7777;
    let mode = if meta.is_dir() {
        mode | 0o2000 | if read_only { 0o050 } else { 0o070 }
    } else {
        mode | if read_only { 0o040 } else { 0o060 }
    };
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            set_group(&entry.path(), gid, read_only);
        }
    }
}

fn select_items(
    data: &BTreeMap<String, Vec<u8>>,
    items: Option<&[k8s_openapi::api::core::v1::KeyToPath]>,
    mode: u32,
    what: &str,
    name: &str,
) -> Result<Vec<(String, Vec<u8>, u32)>, String> {
    match items {
        Some(items) if !items.is_empty() => items
            .iter()
            .map(|i| {
                let v = data.get(&i.key).ok_or_else(|| {
                    format!("configuration of {what} {name:?}: no key {:?}", i.key)
                })?;
                Ok((i.path.clone(), v.clone(), i.mode.map_or(mode, |m| m as u32)))
            })
            .collect(),
        _ => Ok(data
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), mode))
            .collect()),
    }
}

/// The container's mounts from its volumeMounts.
pub fn mounts(
    c: &Container,
    volumes: &HashMap<String, PathBuf>,
) -> Result<Vec<api::Mount>, String> {
    let mut out = Vec::new();
    for m in c.volume_mounts.iter().flatten() {
        let base = volumes
            .get(&m.name)
            .ok_or_else(|| format!("volume {:?} not found", m.name))?;
        let host = match m.sub_path.as_deref() {
            Some(sp) if !sp.is_empty() => {
                let rel = safe_relative(sp).ok_or_else(|| format!("invalid subPath {sp:?}"))?;
                let p = base.join(rel);
                if !p.exists() {
                    std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                }
                p
            }
            _ => base.clone(),
        };
        out.push(api::Mount {
            container_path: m.mount_path.clone(),
            host_path: host.to_string_lossy().into_owned(),
            readonly: m.read_only.unwrap_or(false),
            selinux_relabel: false,
            propagation: api::MountPropagation::PropagationPrivate as i32,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections_are_swapped_atomically_and_only_when_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cfg");
        // A plain file from an older layout is replaced.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("stale"), b"x").unwrap();
        let v1: Projection = vec![
            ("a".into(), b"one".to_vec(), 0o644),
            ("sub/b".into(), b"two".to_vec(), 0o600),
        ];
        assert!(write_projection(&dir, &v1).unwrap());
        assert_eq!(std::fs::read(dir.join("a")).unwrap(), b"one");
        assert_eq!(std::fs::read(dir.join("sub/b")).unwrap(), b"two");
        assert!(std::fs::symlink_metadata(dir.join("a"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(!dir.join("stale").exists());
        let first = std::fs::read_link(dir.join(DATA_LINK)).unwrap();
        assert!(!write_projection(&dir, &v1).unwrap(), "no change, no write");
        assert_eq!(std::fs::read_link(dir.join(DATA_LINK)).unwrap(), first);

        let v2: Projection = vec![("a".into(), b"uno".to_vec(), 0o644)];
        assert!(write_projection(&dir, &v2).unwrap());
        assert_eq!(std::fs::read(dir.join("a")).unwrap(), b"uno");
        assert!(std::fs::symlink_metadata(dir.join("sub")).is_err());
        assert!(!dir.join(&first).exists(), "the old generation is removed");
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        // A mode change is a change too.
        let v3: Projection = vec![("a".into(), b"uno".to_vec(), 0o400)];
        assert!(write_projection(&dir, &v3).unwrap());
    }

    #[test]
    fn expansion_follows_upstream() {
        let env = |n: &str| match n {
            "A" => Some("1".to_string()),
            "B" => Some("two".to_string()),
            _ => None,
        };
        assert_eq!(expand("$(A)-$(B)", &env), "1-two");
        assert_eq!(expand("$$(A)", &env), "$(A)");
        assert_eq!(expand("$(C) $(A", &env), "$(C) $(A");
        assert_eq!(expand("cost $5", &env), "cost $5");
        assert_eq!(expand("ünï $(A)", &env), "ünï 1");
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("64Mi"), Some(64.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("2"), Some(2.0));
        let c: Container = serde_json::from_value(serde_json::json!({
            "name": "c", "resources": {"limits": {"cpu": "250m", "memory": "64Mi"}}
        }))
        .unwrap();
        assert_eq!(resource_value(&c, "limits.cpu", None, 4, 0).unwrap(), "1");
        assert_eq!(
            resource_value(&c, "limits.cpu", Some("1m"), 4, 0).unwrap(),
            "250"
        );
        assert_eq!(
            resource_value(&c, "limits.memory", Some("1Mi"), 4, 0).unwrap(),
            "64"
        );
    }

    #[test]
    fn paths_stay_inside() {
        assert!(safe_relative("a/b").is_some());
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc").is_none());
        assert!(safe_relative("").is_none());
    }

    #[test]
    fn field_refs() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "namespace": "ns", "uid": "u1", "labels": {"app": "web"}},
            "spec": {"nodeName": "n1", "containers": []},
            "status": {"podIP": "198.18.0.5"}
        }))
        .unwrap();
        assert_eq!(field_value(&pod, "metadata.name", "h").unwrap(), "p");
        assert_eq!(
            field_value(&pod, "metadata.labels['app']", "h").unwrap(),
            "web"
        );
        assert_eq!(field_value(&pod, "spec.nodeName", "h").unwrap(), "n1");
        assert_eq!(
            field_value(&pod, "status.podIP", "h").unwrap(),
            "198.18.0.5"
        );
        assert_eq!(field_value(&pod, "status.hostIP", "h").unwrap(), "h");
        assert!(field_value(&pod, "spec.bogus", "h").is_err());
    }
}
