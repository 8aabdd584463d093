//! Builds OCI image layout archives (a tar holding `oci-layout`, `index.json` and
//! `blobs/sha256/…`) from files on this machine, byte for byte reproducibly: entries are sorted,
//! timestamps and owners are zero, and gzip carries no time stamp. Rebuilding an unchanged image
//! therefore yields an identical archive, which lets the importer skip it.

use std::collections::BTreeMap;
use std::io::Write;

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

pub const MEDIA_TYPE_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_TYPE_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_TYPE_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_TYPE_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const MEDIA_TYPE_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
/// Annotation containerd reads the full image name from when importing.
pub const ANNOTATION_CONTAINERD_NAME: &str = "io.containerd.image.name";
/// The OCI annotation for an image's reference (its tag).
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Dir { mode: u32 },
    File { mode: u32, data: Vec<u8> },
    Symlink { target: String },
}

/// A file-system layer: directories, files and symlinks at paths relative to the image root.
/// Parent directories are added automatically (mode 0755).
#[derive(Debug, Clone, Default)]
pub struct LayerBuilder {
    entries: BTreeMap<String, Entry>,
}

impl LayerBuilder {
    pub fn new() -> LayerBuilder {
        LayerBuilder::default()
    }

    /// Adds a directory.
    pub fn dir(&mut self, path: &str, mode: u32) -> Result<&mut LayerBuilder> {
        let path = clean_path(path)?;
        self.add_parents(&path);
        self.entries.insert(path, Entry::Dir { mode });
        Ok(self)
    }

    /// Adds a regular file.
    pub fn file(&mut self, path: &str, mode: u32, data: Vec<u8>) -> Result<&mut LayerBuilder> {
        let path = clean_path(path)?;
        self.add_parents(&path);
        self.entries.insert(path, Entry::File { mode, data });
        Ok(self)
    }

    /// Adds a symbolic link pointing at `target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> Result<&mut LayerBuilder> {
        let path = clean_path(path)?;
        if target.is_empty() || target.contains('\0') {
            return Err(Error::Image(format!(
                "bad symlink target {target:?} for {path}"
            )));
        }
        self.add_parents(&path);
        self.entries.insert(
            path,
            Entry::Symlink {
                target: target.to_string(),
            },
        );
        Ok(self)
    }

    fn add_parents(&mut self, path: &str) {
        let mut end = 0;
        while let Some(pos) = path[end..].find('/') {
            let parent = &path[..end + pos];
            self.entries
                .entry(parent.to_string())
                .or_insert(Entry::Dir { mode: 0o755 });
            end += pos + 1;
        }
    }

    /// The layer as an uncompressed tar.
    pub fn build(&self) -> Result<Vec<u8>> {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, entry) in &self.entries {
            match entry {
                Entry::Dir { mode } => {
                    let mut h = header(tar::EntryType::Directory, *mode, 0);
                    tar.append_data(&mut h, format!("{path}/"), std::io::empty())
                }
                Entry::File { mode, data } => {
                    let mut h = header(tar::EntryType::Regular, *mode, data.len() as u64);
                    tar.append_data(&mut h, path, data.as_slice())
                }
                Entry::Symlink { target } => {
                    let mut h = header(tar::EntryType::Symlink, 0o777, 0);
                    tar.append_link(&mut h, path, target)
                }
            }
            .map_err(|e| Error::Image(format!("adding {path} to a layer: {e}")))?;
        }
        tar.into_inner()
            .map_err(|e| Error::Image(format!("finishing a layer: {e}")))
    }
}

fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(size);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h
}

/// Normalizes a path inside an image: relative, no `.`/`..`/empty components.
fn clean_path(path: &str) -> Result<String> {
    let trimmed = path.trim_matches('/');
    let ok = !trimmed.is_empty()
        && !trimmed.contains('\0')
        && trimmed
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
    if !ok {
        return Err(Error::Image(format!("bad path in image: {path:?}")));
    }
    Ok(trimmed.to_string())
}

/// The parts of the image configuration (`config` in the OCI config JSON) we set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    pub user: Option<String>,
    pub env: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub working_dir: Option<String>,
    pub labels: BTreeMap<String, String>,
}

/// An image to pack: names, configuration and layers (bottom first, uncompressed tars).
#[derive(Debug, Clone)]
pub struct ImageSpec {
    /// Full references, e.g. `docker.io/library/busybox:latest`.
    pub names: Vec<String>,
    pub config: ImageConfig,
    pub layers: Vec<Vec<u8>>,
    /// gzip the layer blobs (smaller archives) or store them as plain tars (faster).
    pub gzip: bool,
    /// What the `history` entries say created the layers.
    pub created_by: String,
}

/// A packed image archive and the digests that identify it.
#[derive(Debug, Clone)]
pub struct BuiltImage {
    /// The archive (an OCI image layout in a tar).
    pub archive: Vec<u8>,
    pub manifest_digest: String,
    /// The config digest, which is also the image ID the CRI reports.
    pub config_digest: String,
    /// Digests of the layer blobs as stored (compressed when gzip was chosen).
    pub layer_digests: Vec<String>,
    /// Digests of the uncompressed layers (`rootfs.diff_ids`).
    pub diff_ids: Vec<String>,
    pub manifest: Value,
    pub config: Value,
}

/// The OCI architecture name for the machine we run on.
pub fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        "powerpc64" => "ppc64le",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    // No file name and a zero time stamp keep the output reproducible.
    let mut enc: GzEncoder<Vec<u8>> = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::with_capacity(data.len() / 2), Compression::default());
    enc.write_all(data)
        .and_then(|_| enc.finish())
        .map_err(|e| Error::Image(format!("compressing a layer: {e}")))
}

/// The tag (or digest) part of a full reference, for the OCI ref-name annotation.
fn ref_tag(name: &str) -> &str {
    if let Some((_, digest)) = name.split_once('@') {
        return digest;
    }
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag,
        None => "latest",
    }
}

/// Packs an image into an OCI layout archive.
pub fn build_image(spec: &ImageSpec) -> Result<BuiltImage> {
    if spec.names.is_empty() {
        return Err(Error::Image("an image needs at least one name".into()));
    }
    let arch = host_architecture();
    let mut blobs: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut layer_descs = Vec::new();
    let mut layer_digests = Vec::new();
    let mut diff_ids = Vec::new();
    let mut history = Vec::new();
    for layer in &spec.layers {
        diff_ids.push(sha256_digest(layer));
        let (blob, media_type) = if spec.gzip {
            (gzip(layer)?, MEDIA_TYPE_LAYER_GZIP)
        } else {
            (layer.clone(), MEDIA_TYPE_LAYER_TAR)
        };
        let digest = sha256_digest(&blob);
        layer_descs.push(json!({
            "mediaType": media_type,
            "digest": digest,
            "size": blob.len(),
        }));
        layer_digests.push(digest.clone());
        history.push(json!({
            "created": "1970-01-01T00:00:00Z",
            "created_by": spec.created_by,
        }));
        blobs.insert(digest, blob);
    }

    let c = &spec.config;
    let mut inner = serde_json::Map::new();
    if let Some(user) = &c.user {
        inner.insert("User".into(), json!(user));
    }
    if !c.env.is_empty() {
        inner.insert("Env".into(), json!(c.env));
    }
    if !c.entrypoint.is_empty() {
        inner.insert("Entrypoint".into(), json!(c.entrypoint));
    }
    if !c.cmd.is_empty() {
        inner.insert("Cmd".into(), json!(c.cmd));
    }
    if let Some(dir) = &c.working_dir {
        inner.insert("WorkingDir".into(), json!(dir));
    }
    if !c.labels.is_empty() {
        inner.insert("Labels".into(), json!(c.labels));
    }
    let config = json!({
        "created": "1970-01-01T00:00:00Z",
        "architecture": arch,
        "os": "linux",
        "config": Value::Object(inner),
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history,
    });
    let config_bytes = serde_json::to_vec(&config)
        .map_err(|e| Error::Image(format!("encoding the image config: {e}")))?;
    let config_digest = sha256_digest(&config_bytes);

    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_TYPE_MANIFEST,
        "config": {
            "mediaType": MEDIA_TYPE_CONFIG,
            "digest": config_digest,
            "size": config_bytes.len(),
        },
        "layers": layer_descs,
    });
    let manifest_bytes = serde_json::to_vec(&manifest)
        .map_err(|e| Error::Image(format!("encoding the manifest: {e}")))?;
    let manifest_digest = sha256_digest(&manifest_bytes);
    blobs.insert(config_digest.clone(), config_bytes);
    blobs.insert(manifest_digest.clone(), manifest_bytes.clone());

    let manifests: Vec<Value> = spec
        .names
        .iter()
        .map(|name| {
            json!({
                "mediaType": MEDIA_TYPE_MANIFEST,
                "digest": manifest_digest,
                "size": manifest_bytes.len(),
                "annotations": {
                    ANNOTATION_CONTAINERD_NAME: name,
                    ANNOTATION_REF_NAME: ref_tag(name),
                },
                "platform": { "architecture": arch, "os": "linux" },
            })
        })
        .collect();
    let index = json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_TYPE_INDEX,
        "manifests": manifests,
    });
    let index_bytes = serde_json::to_vec(&index)
        .map_err(|e| Error::Image(format!("encoding index.json: {e}")))?;

    let mut layout = tar::Builder::new(Vec::new());
    let mut add = |path: &str, kind: tar::EntryType, data: &[u8]| {
        let mode = if kind == tar::EntryType::Directory {
            0o755
        } else {
            0o644
        };
        let mut h = header(kind, mode, data.len() as u64);
        layout
            .append_data(&mut h, path, data)
            .map_err(|e| Error::Image(format!("adding {path} to the archive: {e}")))
    };
    add(
        "oci-layout",
        tar::EntryType::Regular,
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )?;
    add("index.json", tar::EntryType::Regular, &index_bytes)?;
    add("blobs/", tar::EntryType::Directory, &[])?;
    add("blobs/sha256/", tar::EntryType::Directory, &[])?;
    for (digest, blob) in &blobs {
        let hex = digest.trim_start_matches("sha256:");
        add(
            &format!("blobs/sha256/{hex}"),
            tar::EntryType::Regular,
            blob,
        )?;
    }
    let archive = layout
        .into_inner()
        .map_err(|e| Error::Image(format!("finishing the archive: {e}")))?;

    Ok(BuiltImage {
        archive,
        manifest_digest,
        config_digest,
        layer_digests,
        diff_ids,
        manifest,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Read;

    fn read_tar(bytes: &[u8]) -> HashMap<String, (tar::EntryType, Vec<u8>, Option<String>, u32)> {
        let mut out = HashMap::new();
        let mut archive = tar::Archive::new(bytes);
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let kind = entry.header().entry_type();
            let link = entry
                .link_name()
                .unwrap()
                .map(|l| l.to_string_lossy().into_owned());
            let mode = entry.header().mode().unwrap();
            assert_eq!(entry.header().mtime().unwrap(), 0);
            assert_eq!(entry.header().uid().unwrap(), 0);
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            out.insert(path, (kind, data, link, mode));
        }
        out
    }

    fn sample_layer() -> Vec<u8> {
        let mut l = LayerBuilder::new();
        l.file("bin/tool", 0o755, b"#!tool".to_vec()).unwrap();
        l.symlink("bin/alias", "tool").unwrap();
        l.dir("tmp", 0o1777).unwrap();
        l.build().unwrap()
    }

    fn sample_spec(gzip: bool) -> ImageSpec {
        ImageSpec {
            names: vec![
                "docker.io/library/sample:latest".into(),
                "docker.io/library/sample:1.0".into(),
            ],
            config: ImageConfig {
                env: vec!["PATH=/bin".into()],
                cmd: vec!["tool".into()],
                user: Some("65535:65535".into()),
                ..Default::default()
            },
            layers: vec![sample_layer()],
            gzip,
            created_by: "test".into(),
        }
    }

    #[test]
    fn layer_has_parents_modes_and_links() {
        let entries = read_tar(&sample_layer());
        let (kind, _, _, mode) = &entries["bin/"];
        assert_eq!(*kind, tar::EntryType::Directory);
        assert_eq!(*mode, 0o755);
        let (kind, data, _, mode) = &entries["bin/tool"];
        assert_eq!(*kind, tar::EntryType::Regular);
        assert_eq!(data, b"#!tool");
        assert_eq!(*mode, 0o755);
        let (kind, _, link, _) = &entries["bin/alias"];
        assert_eq!(*kind, tar::EntryType::Symlink);
        assert_eq!(link.as_deref(), Some("tool"));
        assert_eq!(entries["tmp/"].3, 0o1777);
    }

    #[test]
    fn bad_paths_are_rejected() {
        let mut l = LayerBuilder::new();
        assert!(l.file("../etc/passwd", 0o644, vec![]).is_err());
        assert!(l.file("a//b", 0o644, vec![]).is_err());
        assert!(l.dir("/", 0o755).is_err());
        assert!(l.symlink("a", "").is_err());
        assert!(l.file("/abs/ok", 0o644, vec![]).is_ok());
    }

    #[test]
    fn archive_is_a_consistent_oci_layout() {
        for gzip in [true, false] {
            let built = build_image(&sample_spec(gzip)).unwrap();
            let entries = read_tar(&built.archive);
            assert_eq!(
                entries["oci-layout"].1,
                br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()
            );

            // Every blob is stored under its own digest.
            for (path, (kind, data, _, _)) in &entries {
                if let Some(hex) = path.strip_prefix("blobs/sha256/") {
                    if *kind == tar::EntryType::Regular {
                        assert_eq!(sha256_digest(data), format!("sha256:{hex}"));
                    }
                }
            }
            let blob = |digest: &str| {
                entries[&format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"))]
                    .1
                    .clone()
            };

            let index: Value = serde_json::from_slice(&entries["index.json"].1).unwrap();
            assert_eq!(index["schemaVersion"], 2);
            assert_eq!(index["mediaType"], MEDIA_TYPE_INDEX);
            let manifests = index["manifests"].as_array().unwrap();
            assert_eq!(manifests.len(), 2);
            assert_eq!(
                manifests[0]["annotations"][ANNOTATION_CONTAINERD_NAME],
                "docker.io/library/sample:latest"
            );
            assert_eq!(manifests[0]["annotations"][ANNOTATION_REF_NAME], "latest");
            assert_eq!(manifests[1]["annotations"][ANNOTATION_REF_NAME], "1.0");
            for m in manifests {
                assert_eq!(m["digest"], built.manifest_digest.as_str());
                assert_eq!(m["mediaType"], MEDIA_TYPE_MANIFEST);
                assert_eq!(m["platform"]["os"], "linux");
            }

            let manifest_bytes = blob(&built.manifest_digest);
            assert_eq!(
                manifests[0]["size"].as_u64().unwrap(),
                manifest_bytes.len() as u64
            );
            let manifest: Value = serde_json::from_slice(&manifest_bytes).unwrap();
            assert_eq!(manifest, built.manifest);
            assert_eq!(manifest["schemaVersion"], 2);
            assert_eq!(manifest["config"]["digest"], built.config_digest.as_str());
            let config_bytes = blob(&built.config_digest);
            assert_eq!(
                manifest["config"]["size"].as_u64().unwrap(),
                config_bytes.len() as u64
            );

            let layers = manifest["layers"].as_array().unwrap();
            assert_eq!(layers.len(), 1);
            let layer_blob = blob(layers[0]["digest"].as_str().unwrap());
            assert_eq!(layers[0]["size"].as_u64().unwrap(), layer_blob.len() as u64);
            let raw = if gzip {
                assert_eq!(layers[0]["mediaType"], MEDIA_TYPE_LAYER_GZIP);
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(layer_blob.as_slice())
                    .read_to_end(&mut out)
                    .unwrap();
                out
            } else {
                assert_eq!(layers[0]["mediaType"], MEDIA_TYPE_LAYER_TAR);
                layer_blob
            };
            assert_eq!(raw, sample_layer());

            let config: Value = serde_json::from_slice(&config_bytes).unwrap();
            assert_eq!(config["os"], "linux");
            assert_eq!(config["architecture"], host_architecture());
            assert_eq!(config["rootfs"]["type"], "layers");
            assert_eq!(
                config["rootfs"]["diff_ids"][0],
                sha256_digest(&sample_layer()).as_str()
            );
            assert_eq!(config["config"]["Cmd"][0], "tool");
            assert_eq!(config["config"]["User"], "65535:65535");
            assert!(config["config"].get("Entrypoint").is_none());
            assert_eq!(built.diff_ids, vec![sha256_digest(&sample_layer())]);
        }
    }

    #[test]
    fn builds_are_reproducible() {
        let a = build_image(&sample_spec(true)).unwrap();
        let b = build_image(&sample_spec(true)).unwrap();
        assert_eq!(a.archive, b.archive);
        assert_eq!(a.manifest_digest, b.manifest_digest);
        let mut other = sample_spec(true);
        other.config.cmd = vec!["other".into()];
        let c = build_image(&other).unwrap();
        assert_ne!(a.config_digest, c.config_digest);
        assert_eq!(a.layer_digests, c.layer_digests);
    }

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn ref_tags() {
        assert_eq!(ref_tag("docker.io/library/busybox:1.36"), "1.36");
        assert_eq!(ref_tag("localhost:5000/app"), "latest");
        assert_eq!(ref_tag("rudder.local/pause:3.10"), "3.10");
        assert_eq!(ref_tag("x/y@sha256:abc"), "sha256:abc");
    }

    #[test]
    fn needs_a_name() {
        let mut spec = sample_spec(false);
        spec.names.clear();
        assert!(build_image(&spec).is_err());
    }
}
