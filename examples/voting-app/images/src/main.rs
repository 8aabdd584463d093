//! Builds the Example Voting App's five images offline, as OCI archives a node agent imports
//! from `DATA_DIR/agent/images/`:
//!
//! ```text
//! voting-images --out DIR [--bin-dir target/release] [--uncompressed]
//! ```
//!
//! vote, worker and result are this workspace's binaries with their shared libraries; redis
//! and postgres are Debian's `redis-server` and `postgresql-15` programs with theirs (see
//! `cri::host_image`), plus static busybox for the postgres entrypoint's shell. Nothing is
//! downloaded. Images are named `rudder.local/voting/<name>:dev`, the names the kustomize
//! overlay in `examples/voting-app/overlays/local` swaps in.

use std::path::{Path, PathBuf};

use cri::host_image::HostFiles;
use cri::oci::{build_image, ImageConfig, ImageSpec, LayerBuilder};

const PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const POSTGRES_BIN: &str = "/usr/lib/postgresql/15/bin";
const POSTGRES_LIB: &str = "/usr/lib/postgresql/15/lib";
const POSTGRES_SHARE: &str = "/usr/share/postgresql/15";
const REDIS: &str = "/usr/bin/redis-check-rdb";
const BUSYBOX: &str = "/bin/busybox";
/// The postgres user of the image (fixed, whatever the build host uses).
const POSTGRES_UID: u32 = 999;

type Result<T> = std::result::Result<T, String>;

/// Image reference of one of the app's images.
pub fn image_name(name: &str) -> String {
    format!("rudder.local/voting/{name}:dev")
}

/// Files every image gets: `/etc/passwd` and `/etc/group` with root, nobody and postgres,
/// and world-writable `/tmp`.
fn base_layer() -> Result<LayerBuilder> {
    let mut layer = LayerBuilder::new();
    let e = |e: cri::Error| e.to_string();
    layer.dir("tmp", 0o1777).map_err(e)?;
    layer
        .file(
            "etc/passwd",
            0o644,
            format!(
                "root:x:0:0:root:/root:/bin/sh\npostgres:x:{POSTGRES_UID}:{POSTGRES_UID}:PostgreSQL:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            )
            .into_bytes(),
        )
        .map_err(e)?;
    layer
        .file(
            "etc/group",
            0o644,
            format!("root:x:0:\npostgres:x:{POSTGRES_UID}:\nnogroup:x:65534:\n").into_bytes(),
        )
        .map_err(e)?;
    layer
        .file("etc/nsswitch.conf", 0o644, b"hosts: files dns\n".to_vec())
        .map_err(e)?;
    Ok(layer)
}

fn host_files(add: impl FnOnce(&mut HostFiles) -> cri::Result<()>) -> Result<HostFiles> {
    let mut files = HostFiles::new();
    add(&mut files).map_err(|e| e.to_string())?;
    Ok(files)
}

/// Where and how the archives are written.
struct Output {
    dir: PathBuf,
    /// gzip the layers (smaller archives; `--uncompressed` is faster to build).
    gzip: bool,
}

fn write(out: &Output, name: &str, layer: &LayerBuilder, config: ImageConfig) -> Result<PathBuf> {
    let built = build_image(&ImageSpec {
        names: vec![image_name(name)],
        config,
        layers: vec![layer.build().map_err(|e| e.to_string())?],
        gzip: out.gzip,
        created_by: format!("voting-images: {name}"),
    })
    .map_err(|e| e.to_string())?;
    let path = out.dir.join(format!("voting-{name}.tar"));
    cri::images::write_archive(&path, &built).map_err(|e| e.to_string())?;
    println!(
        "{} {} ({} KiB)",
        image_name(name),
        path.display(),
        built.archive.len() / 1024
    );
    Ok(path)
}

/// vote, worker or result: our binary at `/usr/local/bin/<name>`.
fn app_image(out: &Output, bin_dir: &Path, name: &str) -> Result<PathBuf> {
    let binary = bin_dir.join(name);
    let files = host_files(|f| {
        for lib in cri::host_image::shared_libraries(&binary)? {
            f.add(&lib)?;
        }
        Ok(())
    })?;
    let mut layer = base_layer()?;
    files.copy_into(&mut layer).map_err(|e| e.to_string())?;
    let data = std::fs::read(&binary).map_err(|e| format!("reading {}: {e}", binary.display()))?;
    layer
        .file(&format!("usr/local/bin/{name}"), 0o755, data)
        .map_err(|e| e.to_string())?;
    write(
        out,
        name,
        &layer,
        ImageConfig {
            env: vec![PATH.into()],
            cmd: vec![format!("/usr/local/bin/{name}")],
            ..Default::default()
        },
    )
}

/// Debian's redis server (the `redis-check-rdb` binary runs as a server when called
/// `redis-server`), without persistence: the queue lives in memory, as in the app's design.
fn redis_image(out: &Output) -> Result<PathBuf> {
    let files = host_files(|f| f.add(Path::new(REDIS)).map(|_| ()))?;
    let mut layer = base_layer()?;
    files.copy_into(&mut layer).map_err(|e| e.to_string())?;
    layer
        .symlink("usr/bin/redis-server", "redis-check-rdb")
        .and_then(|l| l.dir("data", 0o777))
        .map_err(|e| e.to_string())?;
    write(
        out,
        "redis",
        &layer,
        ImageConfig {
            env: vec![PATH.into()],
            cmd: [
                "redis-server",
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
            .map(String::from)
            .to_vec(),
            working_dir: Some("/data".into()),
            ..Default::default()
        },
    )
}

/// The entrypoint of the postgres image: the environment of the public image (`PGDATA`,
/// `POSTGRES_USER`, `POSTGRES_PASSWORD`, `POSTGRES_DB`), a database initialized on first start
/// with password authentication over the network.
const POSTGRES_ENTRYPOINT: &str = r#"#!/bin/sh
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data/pgdata}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  POSTGRES_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"
fi
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "postgres: POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) must be set" >&2
  exit 1
fi
export PGDATA
mkdir -p "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != "postgres" ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
"#;

/// Debian's PostgreSQL 15 server with `initdb`, its modules (JIT left out) and share files,
/// UTC time zone data, and static busybox for the entrypoint's shell and tools.
fn postgres_image(out: &Output) -> Result<PathBuf> {
    let files = host_files(|f| {
        for bin in ["postgres", "initdb"] {
            f.add(&Path::new(POSTGRES_BIN).join(bin))?;
        }
        f.add_tree(Path::new(POSTGRES_LIB), &|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with("llvmjit") && name != "bitcode"
        })?;
        f.add_tree(Path::new(POSTGRES_SHARE), &|_| true)?;
        for tz in ["/usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/Etc/UTC"] {
            f.add(Path::new(tz))?;
        }
        Ok(())
    })?;
    let mut layer = base_layer()?;
    files.copy_into(&mut layer).map_err(|e| e.to_string())?;
    let busybox = std::fs::read(BUSYBOX).map_err(|e| format!("reading {BUSYBOX}: {e}"))?;
    let e = |e: cri::Error| e.to_string();
    layer.file("bin/busybox", 0o755, busybox).map_err(e)?;
    for applet in [
        "sh", "cat", "chmod", "mkdir", "mktemp", "printf", "rm", "echo", "ls", "id",
    ] {
        layer
            .symlink(&format!("bin/{applet}"), "busybox")
            .map_err(e)?;
    }
    layer
        .file(
            "usr/local/bin/postgres-entrypoint",
            0o755,
            POSTGRES_ENTRYPOINT.as_bytes().to_vec(),
        )
        .map_err(e)?;
    layer.dir("var/lib/postgresql", 0o777).map_err(e)?;
    write(
        out,
        "postgres",
        &layer,
        ImageConfig {
            user: Some(format!("{POSTGRES_UID}:{POSTGRES_UID}")),
            env: vec![
                format!("{PATH}:{POSTGRES_BIN}"),
                "TZ=UTC".into(),
                "PGDATA=/var/lib/postgresql/data/pgdata".into(),
            ],
            entrypoint: vec!["/usr/local/bin/postgres-entrypoint".into()],
            ..Default::default()
        },
    )
}

const USAGE: &str = "usage: voting-images --out DIR [--bin-dir target/release] [--uncompressed]";

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut gzip = true;
    let mut bin_dir = PathBuf::from("target/release");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => dir = args.next().map(PathBuf::from),
            "--bin-dir" => bin_dir = args.next().map(PathBuf::from).unwrap_or(bin_dir),
            "--uncompressed" => gzip = false,
            _ => {
                eprintln!("{USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("{USAGE}");
        return std::process::ExitCode::from(2);
    };
    let out = Output { dir, gzip };
    let result = std::fs::create_dir_all(&out.dir)
        .map_err(|e| format!("creating {}: {e}", out.dir.display()))
        .and_then(|()| {
            for app in ["vote", "worker", "result"] {
                app_image(&out, &bin_dir, app)?;
            }
            redis_image(&out)?;
            postgres_image(&out)?;
            Ok(())
        });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("voting-images: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
