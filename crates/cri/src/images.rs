//! The images Rudder builds offline (the pod sandbox image and busybox) and their import into
//! containerd with `ctr images import`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::containerd::{write_atomically, ContainerdConfig, CRI_NAMESPACE};
use crate::error::{Error, Result};
use crate::oci::{self, BuiltImage, ImageConfig, ImageSpec, LayerBuilder};

/// The pod sandbox image, built from the embedded pause program.
pub const PAUSE_IMAGE: &str = "rudder.local/pause:3.10";
/// Names the busybox image is imported under (`busybox` normalizes to the first).
pub const BUSYBOX_IMAGES: &[&str] = &[
    "docker.io/library/busybox:latest",
    "docker.io/library/busybox:1.36",
];
/// Where Debian's busybox-static package installs busybox.
pub const DEFAULT_BUSYBOX: &str = "/bin/busybox";
/// Where Debian's containerd package installs ctr.
pub const DEFAULT_CTR: &str = "/usr/bin/ctr";

/// The static pause executable, compiled from `pause/pause.c` by the build script.
pub static PAUSE_BINARY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pause"));

const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Normalizes an image reference the way the CRI (and Docker) do: `busybox` →
/// `docker.io/library/busybox:latest`, `me/app:1` → `docker.io/me/app:1`,
/// `registry.local:5000/app` → `registry.local:5000/app:latest`. References with a digest keep
/// it and get no tag.
pub fn normalize_image_ref(reference: &str) -> Result<String> {
    let bad = || Error::InvalidArgument(format!("invalid image reference {reference:?}"));
    if reference.is_empty()
        || reference.len() > 4096
        || reference
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    if let Some(d) = digest {
        let (algo, hex) = d.split_once(':').ok_or_else(bad)?;
        if algo.is_empty() || hex.is_empty() {
            return Err(bad());
        }
    }
    // A tag is a ':' after the last '/'.
    let slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (repo, tag) = match name[slash..].rfind(':') {
        Some(i) => (&name[..slash + i], Some(&name[slash + i + 1..])),
        None => (name, None),
    };
    if repo.is_empty() || tag == Some("") || repo.starts_with('/') || repo.ends_with('/') {
        return Err(bad());
    }
    if repo.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(bad());
    }
    let (domain, path) = match repo.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first, rest.to_string())
        }
        _ => ("docker.io", repo.to_string()),
    };
    let path = if domain == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    if path.split('/').any(|c| c.is_empty()) {
        return Err(bad());
    }
    let mut out = format!("{domain}/{path}");
    match (tag, digest) {
        (Some(t), _) => {
            out.push(':');
            out.push_str(t);
        }
        (None, None) => out.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(d);
    }
    Ok(out)
}

/// The pause image: just `/pause`, run as 65535:65535.
pub fn pause_image() -> Result<BuiltImage> {
    let mut layer = LayerBuilder::new();
    layer.file("pause", 0o755, PAUSE_BINARY.to_vec())?;
    oci::build_image(&ImageSpec {
        names: vec![PAUSE_IMAGE.to_string()],
        config: ImageConfig {
            user: Some("65535:65535".into()),
            env: vec![DEFAULT_PATH.into()],
            entrypoint: vec!["/pause".into()],
            working_dir: Some("/".into()),
            ..Default::default()
        },
        layers: vec![layer.build()?],
        // Built-in images never leave this machine: plain tar layers build and import faster.
        gzip: false,
        created_by: "rudder: pause".into(),
    })
}

/// Applet names a busybox binary provides (`busybox --list`).
pub fn busybox_applets(busybox: &Path) -> Result<Vec<String>> {
    let out = Command::new(busybox)
        .arg("--list")
        .output()
        .map_err(|e| Error::io(format!("running {} --list", busybox.display()), e))?;
    if !out.status.success() {
        return Err(Error::Image(format!(
            "{} --list failed: {}",
            busybox.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut applets: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|a| {
            !a.is_empty()
                && *a != "busybox"
                && *a != "."
                && *a != ".."
                && !a.contains('/')
                && !a.contains('\0')
        })
        .map(str::to_string)
        .collect();
    applets.sort();
    applets.dedup();
    if !applets.iter().any(|a| a == "sh") {
        return Err(Error::Image(format!(
            "{} provides no `sh` applet",
            busybox.display()
        )));
    }
    Ok(applets)
}

/// The busybox image: a static busybox (Debian's busybox-static) with every applet linked
/// into `/bin`, a minimal `/etc`, and `sh` as the default command.
pub fn busybox_image(busybox: &Path) -> Result<BuiltImage> {
    let binary =
        fs::read(busybox).map_err(|e| Error::io(format!("reading {}", busybox.display()), e))?;
    if binary.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err(Error::Image(format!(
            "{} is not an executable",
            busybox.display()
        )));
    }
    let applets = busybox_applets(busybox)?;
    let mut layer = LayerBuilder::new();
    for dir in [
        "dev", "proc", "sys", "home", "usr/bin", "usr/sbin", "var/www",
    ] {
        layer.dir(dir, 0o755)?;
    }
    layer.dir("root", 0o700)?;
    layer.dir("tmp", 0o1777)?;
    layer.dir("var/tmp", 0o1777)?;
    layer.file("bin/busybox", 0o755, binary)?;
    for applet in &applets {
        layer.symlink(&format!("bin/{applet}"), "busybox")?;
    }
    layer.file(
        "etc/passwd",
        0o644,
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n".to_vec(),
    )?;
    layer.file("etc/group", 0o644, b"root:x:0:\nnobody:x:65534:\n".to_vec())?;
    layer.file("etc/nsswitch.conf", 0o644, b"hosts: files dns\n".to_vec())?;
    oci::build_image(&ImageSpec {
        names: BUSYBOX_IMAGES.iter().map(|s| s.to_string()).collect(),
        config: ImageConfig {
            env: vec![DEFAULT_PATH.into()],
            cmd: vec!["sh".into()],
            ..Default::default()
        },
        layers: vec![layer.build()?],
        gzip: false,
        created_by: format!("rudder: busybox from {}", busybox.display()),
    })
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The archive was imported.
    Imported,
    /// The same archive was imported before and its images are still there.
    Unchanged,
}

/// What we know about an archive file: its digest, and the size and modification time it had
/// when hashed (so an untouched file is not hashed again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FileRecord {
    digest: String,
    size: u64,
    mtime_ns: i128,
    /// The image names the archive was imported under.
    #[serde(default)]
    names: Vec<String>,
}

impl FileRecord {
    /// The record for `path`, reusing `known` when size and mtime still match.
    fn of(path: &Path, known: Option<&FileRecord>) -> Result<FileRecord> {
        let meta =
            fs::metadata(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let size = meta.len();
        let mtime_ns = mtime_ns(&meta);
        if let Some(k) = known {
            if k.size == size && k.mtime_ns == mtime_ns {
                return Ok(k.clone());
            }
        }
        let mut file = fs::File::open(path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher)
            .map_err(|e| Error::io(format!("hashing {}", path.display()), e))?;
        Ok(FileRecord {
            digest: format!("sha256:{:x}", hasher.finalize()),
            size,
            mtime_ns,
            names: Vec::new(),
        })
    }
}

fn mtime_ns(meta: &fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt;
    i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec())
}

/// The archives imported so far, keyed by archive path.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ImportState {
    archives: BTreeMap<String, FileRecord>,
}

/// Imports OCI/Docker image archives into a containerd's CRI namespace with `ctr`, skipping
/// archives that were imported before, have not changed, and whose images still exist.
#[derive(Debug, Clone)]
pub struct Importer {
    ctr: PathBuf,
    socket: PathBuf,
    namespace: String,
    state_path: PathBuf,
}

impl Importer {
    /// An importer for our containerd instance (state kept next to its configuration).
    pub fn new(config: &ContainerdConfig) -> Importer {
        Importer {
            ctr: PathBuf::from(DEFAULT_CTR),
            socket: config.socket_path(),
            namespace: CRI_NAMESPACE.to_string(),
            state_path: config.dir().join("imported-archives.json"),
        }
    }

    /// An importer for any containerd socket; `state_path` remembers imported archives.
    pub fn with_socket(socket: impl Into<PathBuf>, state_path: impl Into<PathBuf>) -> Importer {
        Importer {
            ctr: PathBuf::from(DEFAULT_CTR),
            socket: socket.into(),
            namespace: CRI_NAMESPACE.to_string(),
            state_path: state_path.into(),
        }
    }

    /// Uses another `ctr` executable.
    pub fn with_ctr(mut self, ctr: impl Into<PathBuf>) -> Importer {
        self.ctr = ctr.into();
        self
    }

    fn load_state(&self) -> ImportState {
        fs::read(&self.state_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save_state(&self, state: &ImportState) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(state)
            .map_err(|e| Error::Image(format!("encoding import state: {e}")))?;
        write_atomically(&self.state_path, &bytes)
    }

    fn ctr(&self) -> Command {
        let mut cmd = Command::new(&self.ctr);
        cmd.arg("--address")
            .arg(&self.socket)
            .arg("--namespace")
            .arg(&self.namespace);
        cmd
    }

    fn run(&self, mut cmd: Command, what: &str) -> Result<String> {
        let out = cmd.output().map_err(|e| {
            Error::io(
                format!(
                    "running {} ({what}); is containerd installed?",
                    self.ctr.display()
                ),
                e,
            )
        })?;
        if !out.status.success() {
            return Err(Error::Image(format!(
                "ctr {what} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Every name an archive was imported under (built-in images and dropped archives): the
    /// images this node provides itself, whatever registries say.
    pub fn node_image_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .load_state()
            .archives
            .into_values()
            .flat_map(|r| r.names)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Names of the images containerd holds in our namespace.
    pub async fn image_names(&self) -> Result<Vec<String>> {
        let this = self.clone();
        blocking(move || {
            let mut cmd = this.ctr();
            cmd.args(["images", "list", "--quiet"]);
            let out = this.run(cmd, "images list")?;
            Ok(out
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect())
        })
        .await
    }

    /// Imports `archive` unless it was imported before unchanged and every name in `names` is
    /// still present.
    pub async fn import(&self, archive: &Path, names: &[String]) -> Result<ImportOutcome> {
        let this = self.clone();
        let archive = archive.to_path_buf();
        let names = names.to_vec();
        blocking(move || this.import_blocking(&archive, &names)).await
    }

    fn import_blocking(&self, archive: &Path, names: &[String]) -> Result<ImportOutcome> {
        let key = archive.to_string_lossy().into_owned();
        let mut state = self.load_state();
        let known = state.archives.get(&key);
        let mut record = FileRecord::of(archive, known)?;
        // The names to find again: the caller's, else those the last import printed (an
        // archive recorded without names is imported again to learn them).
        let expected = if names.is_empty() {
            &record.names
        } else {
            names
        };
        if known.map(|k| &k.digest) == Some(&record.digest) && !expected.is_empty() {
            let mut cmd = self.ctr();
            cmd.args(["images", "list", "--quiet"]);
            let present: Vec<String> = self
                .run(cmd, "images list")?
                .lines()
                .map(|l| l.trim().to_string())
                .collect();
            if expected.iter().all(|n| present.contains(n)) {
                if record.names.is_empty() {
                    // Recorded before names were kept: remember the caller's.
                    record.names = names.to_vec();
                    state.archives.insert(key, record);
                    self.save_state(&state)?;
                }
                return Ok(ImportOutcome::Unchanged);
            }
        }
        let started = Instant::now();
        let mut cmd = self.ctr();
        cmd.args(["images", "import"]).arg(archive);
        let output = self.run(cmd, "images import")?;
        tracing::info!(archive = %archive.display(), elapsed = ?started.elapsed(), "image archive imported");
        let mut imported = imported_names(&output);
        for n in names {
            if !imported.contains(n) {
                imported.push(n.clone());
            }
        }
        record.names = imported;
        state.archives.insert(key, record);
        self.save_state(&state)?;
        Ok(ImportOutcome::Imported)
    }
}

/// The image names in `ctr images import` output (`unpacking NAME (sha256:…)...done`).
fn imported_names(output: &str) -> Vec<String> {
    output
        .split("unpacking ")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once(" (")
                .map(|(name, _)| name.trim().to_string())
        })
        .filter(|name| !name.is_empty())
        .collect()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Image(format!("import task failed: {e}")))?
}

/// A built-in image written to disk and imported.
#[derive(Debug, Clone)]
pub struct BuiltinImage {
    pub names: Vec<String>,
    pub archive: PathBuf,
    /// The image ID the CRI reports (the config digest).
    pub image_id: String,
    pub outcome: ImportOutcome,
}

/// Writes `built` to `path` unless an identical file is already there.
pub fn write_archive(path: &Path, built: &BuiltImage) -> Result<()> {
    if let Ok(existing) = fs::read(path) {
        if existing == built.archive {
            return Ok(());
        }
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    write_atomically(path, &built.archive)
}

/// Bumped whenever the built-in images' contents or layout change, so archives built by an
/// older version are rebuilt.
const BUILTIN_FORMAT: u32 = 1;

/// A built-in archive on disk and the inputs it was built from.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BuiltRecord {
    inputs: String,
    image_id: String,
    archive: FileRecord,
}

/// 64-bit FNV-1a: a cheap fingerprint of embedded bytes (not a security boundary).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn busybox_inputs(busybox: &Path) -> Result<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(busybox)
        .map_err(|e| Error::io(format!("reading {}", busybox.display()), e))?;
    Ok(format!(
        "busybox/{BUILTIN_FORMAT}/{}/{}/{}/{}",
        busybox.display(),
        meta.len(),
        mtime_ns(&meta),
        meta.ino()
    ))
}

/// Builds one built-in archive unless the archive on disk was built from the same inputs and
/// is untouched since; returns the image ID.
fn build_cached(
    records: &mut BTreeMap<String, BuiltRecord>,
    archive: &Path,
    inputs: String,
    build: impl FnOnce() -> Result<BuiltImage>,
) -> Result<String> {
    let key = archive.to_string_lossy().into_owned();
    if let Some(rec) = records.get(&key) {
        if rec.inputs == inputs {
            if let Ok(meta) = fs::metadata(archive) {
                if meta.len() == rec.archive.size && mtime_ns(&meta) == rec.archive.mtime_ns {
                    return Ok(rec.image_id.clone());
                }
            }
        }
    }
    let built = build()?;
    write_archive(archive, &built)?;
    let record = BuiltRecord {
        inputs,
        image_id: built.config_digest.clone(),
        archive: FileRecord::of(archive, None)?,
    };
    records.insert(key, record);
    Ok(built.config_digest)
}

/// The built-in archives in `DATA/images/`; every other `*.tar` there was dropped in by an
/// operator.
const BUILTIN_ARCHIVES: [&str; 2] = ["pause.tar", "busybox.tar"];

/// Imports the image archives an operator dropped into `DATA/images/` (air-gapped images,
/// Docker or OCI `*.tar`), in name order. An archive imported before and unchanged since is
/// skipped without being read; one that fails to import is reported and does not stop the
/// others.
pub async fn import_dropped_archives(
    config: &ContainerdConfig,
) -> Vec<(PathBuf, Result<ImportOutcome>)> {
    let dir = config.data_dir.join("images");
    let mut archives: Vec<PathBuf> = fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tar"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| BUILTIN_ARCHIVES.iter().any(|b| n == *b))
        })
        .collect();
    archives.sort();
    let importer = Importer::new(config);
    let mut out = Vec::new();
    for archive in archives {
        let outcome = importer.import(&archive, &[]).await;
        out.push((archive, outcome));
    }
    out
}

/// Builds the pause and busybox images into `DATA/images/` and imports them into our
/// containerd. Archives whose inputs did not change are not rebuilt, and archives containerd
/// already has are not imported again.
pub async fn ensure_builtin_images(config: &ContainerdConfig) -> Result<Vec<BuiltinImage>> {
    ensure_images(config, Path::new(DEFAULT_BUSYBOX)).await
}

/// [`ensure_builtin_images`] with another busybox binary.
pub async fn ensure_images(config: &ContainerdConfig, busybox: &Path) -> Result<Vec<BuiltinImage>> {
    let dir = config.data_dir.join("images");
    let busybox = busybox.to_path_buf();
    let built = blocking(move || {
        let records_path = dir.join("built.json");
        let mut records: BTreeMap<String, BuiltRecord> = fs::read(&records_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let pause_path = dir.join(BUILTIN_ARCHIVES[0]);
        let pause_inputs = format!(
            "pause/{BUILTIN_FORMAT}/{}/{:016x}",
            PAUSE_BINARY.len(),
            fnv1a(PAUSE_BINARY)
        );
        let pause_id = build_cached(&mut records, &pause_path, pause_inputs, pause_image)?;
        let bb_path = dir.join(BUILTIN_ARCHIVES[1]);
        let bb_inputs = busybox_inputs(&busybox)?;
        let bb_id = build_cached(&mut records, &bb_path, bb_inputs, || {
            busybox_image(&busybox)
        })?;
        let bytes = serde_json::to_vec_pretty(&records)
            .map_err(|e| Error::Image(format!("encoding {}: {e}", records_path.display())))?;
        write_atomically(&records_path, &bytes)?;
        Ok(vec![
            (vec![PAUSE_IMAGE.to_string()], pause_path, pause_id),
            (
                BUSYBOX_IMAGES.iter().map(|s| s.to_string()).collect(),
                bb_path,
                bb_id,
            ),
        ])
    })
    .await?;
    let importer = Importer::new(config);
    let mut out = Vec::new();
    for (names, archive, image_id) in built {
        let outcome = importer.import(&archive, &names).await?;
        out.push(BuiltinImage {
            names,
            archive,
            image_id,
            outcome,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_output_names_the_images() {
        let out = "unpacking docker.io/library/app:1 (sha256:aa11)...done\n\
                   unpacking rudder.local/voting/vote:dev (sha256:bb22)...done\n";
        assert_eq!(
            imported_names(out),
            ["docker.io/library/app:1", "rudder.local/voting/vote:dev"]
        );
        assert!(imported_names("").is_empty());
    }

    #[test]
    fn references_normalize_like_the_cri() {
        let cases = [
            ("busybox", "docker.io/library/busybox:latest"),
            ("busybox:1.36", "docker.io/library/busybox:1.36"),
            ("library/busybox", "docker.io/library/busybox:latest"),
            ("docker.io/busybox", "docker.io/library/busybox:latest"),
            ("me/app:v2", "docker.io/me/app:v2"),
            ("rudder.local/pause:3.10", "rudder.local/pause:3.10"),
            ("localhost/app", "localhost/app:latest"),
            ("localhost:5000/app", "localhost:5000/app:latest"),
            ("127.0.0.1:5000/team/app:1", "127.0.0.1:5000/team/app:1"),
            (
                "busybox@sha256:abcd",
                "docker.io/library/busybox@sha256:abcd",
            ),
            (
                "busybox:1.36@sha256:abcd",
                "docker.io/library/busybox:1.36@sha256:abcd",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_image_ref(input).unwrap(), want, "{input}");
        }
        for bad in [
            "",
            "Busybox",
            "a b",
            "busybox:",
            "/x",
            "x/",
            "a//b",
            "x@sha256",
            "@sha256:a",
        ] {
            assert!(normalize_image_ref(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn pause_binary_is_static_elf() {
        let elf = PAUSE_BINARY;
        assert_eq!(&elf[..4], b"\x7fELF");
        // A static executable has no PT_INTERP program header (it needs no dynamic loader).
        if elf[4] == 2 && elf[5] == 1 {
            // 64-bit little-endian: walk the program headers.
            let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
            let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
            let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
            assert!(phnum > 0);
            for i in 0..phnum {
                let at = phoff + i * phentsize;
                let p_type = u32::from_le_bytes(elf[at..at + 4].try_into().unwrap());
                assert_ne!(p_type, 3, "pause has a PT_INTERP header: it is not static");
            }
        }
    }

    #[test]
    fn pause_image_runs_pause_as_nobody() {
        let built = pause_image().unwrap();
        assert_eq!(built.config["config"]["Entrypoint"][0], "/pause");
        assert_eq!(built.config["config"]["User"], "65535:65535");
        assert_eq!(built.layer_digests.len(), 1);
        assert_eq!(pause_image().unwrap().archive, built.archive);
    }

    #[test]
    fn busybox_applets_are_parsed_and_non_elf_sources_refused() {
        // A script standing in for busybox answers --list.
        let tmp = tempfile::tempdir().unwrap();
        let fake = tmp.path().join("busybox");
        fs::write(
            &fake,
            "#!/bin/sh\nprintf 'sh\\nls\\n[\\nbusybox\\nsleep\\nsh\\n'\n",
        )
        .unwrap();
        let mut perms = fs::metadata(&fake).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        fs::set_permissions(&fake, perms).unwrap();
        // Another test thread forking while the script was open for writing makes exec fail
        // with ETXTBSY for a moment.
        let mut applets = busybox_applets(&fake);
        for _ in 0..50 {
            match &applets {
                Err(e) if e.to_string().contains("busy") => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    applets = busybox_applets(&fake);
                }
                _ => break,
            }
        }
        assert_eq!(applets.unwrap(), vec!["[", "ls", "sh", "sleep"]);
        // A script is not an executable we can put into an image with nothing else.
        assert!(busybox_image(&fake).is_err());
    }

    #[test]
    fn busybox_image_from_the_system_binary() {
        let path = Path::new(DEFAULT_BUSYBOX);
        if !path.exists() {
            panic!(
                "{DEFAULT_BUSYBOX} is missing: install busybox-static (scripts/install-deps.sh)"
            );
        }
        let built = busybox_image(path).unwrap();
        assert_eq!(built.config["config"]["Cmd"][0], "sh");
        let index_names: Vec<String> = BUSYBOX_IMAGES.iter().map(|s| s.to_string()).collect();
        assert_eq!(index_names.len(), 2);
        let mut archive = tar::Archive::new(built.archive.as_slice());
        let count = archive.entries().unwrap().count();
        assert!(count >= 5, "{count} entries");
    }

    #[test]
    fn write_archive_skips_identical_files() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("x/pause.tar");
        let built = pause_image().unwrap();
        write_archive(&path, &built).unwrap();
        let first = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_archive(&path, &built).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), first);
        assert_eq!(fs::read(&path).unwrap(), built.archive);
    }
}
