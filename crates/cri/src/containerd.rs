//! Running our own containerd: its configuration file and a supervisor for the process.
//!
//! Everything containerd keeps lives under `DATA/containerd` (root, state, sockets, runc state,
//! registry host configuration), so several instances — a node agent and a few tests — can run
//! side by side on one machine without sharing anything but `/run/containerd/s` (shim sockets,
//! whose names are hashed from our socket path).

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::client::{self, RuntimeClient};
use crate::error::{Error, Result};

/// Where Debian's containerd package installs the daemon.
pub const DEFAULT_CONTAINERD_BIN: &str = "/usr/bin/containerd";
/// Where Debian's containernetworking-plugins package installs the CNI plugins.
pub const DEFAULT_CNI_BIN_DIR: &str = "/usr/lib/cni";
/// The containerd namespace the CRI plugin keeps its images and containers in.
pub const CRI_NAMESPACE: &str = "k8s.io";

/// Longest path a unix socket address can hold (`sun_path` is 108 bytes with the NUL).
const MAX_SOCKET_PATH: usize = 107;

/// Plugins we never use; leaving them out skips their probing at start-up.
const DISABLED_PLUGINS: &[&str] = &[
    "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.internal.v1.tracing",
    "io.containerd.tracing.processor.v1.otlp",
];

/// Settings for the containerd instance we run.
#[derive(Debug, Clone)]
pub struct ContainerdConfig {
    /// The agent's data directory; containerd's files go to `data_dir/containerd`.
    pub data_dir: PathBuf,
    /// The containerd executable.
    pub containerd_bin: PathBuf,
    /// The runc executable; `None` lets the shim find `runc` on `PATH`.
    pub runc_bin: Option<PathBuf>,
    /// Image the CRI plugin runs pod sandboxes from (built and imported by us, never pulled).
    pub sandbox_image: String,
    /// Directory with the CNI plugin executables.
    pub cni_bin_dir: PathBuf,
    /// Directory the CNI network configuration is read from.
    pub cni_conf_dir: PathBuf,
    /// containerd's log level (`debug`, `info`, `warn`, `error`).
    pub log_level: String,
    /// Address the CRI streaming server (exec/attach/port-forward) listens on.
    pub stream_server_address: String,
    /// Keep containers' `oom_score_adj` at or above containerd's own. Needed where we lack
    /// `CAP_SYS_RESOURCE` (containers, some VMs): the CRI gives sandboxes -998, and runc fails
    /// to start them when the kernel refuses to lower the score.
    pub restrict_oom_score_adj: bool,
}

impl ContainerdConfig {
    /// Defaults for a data directory: Debian's binaries, the project's pause image, CNI
    /// configuration in `data_dir/cni/net.d`.
    pub fn new(data_dir: impl Into<PathBuf>) -> ContainerdConfig {
        let data_dir = data_dir.into();
        ContainerdConfig {
            cni_conf_dir: data_dir.join("cni").join("net.d"),
            data_dir,
            containerd_bin: PathBuf::from(DEFAULT_CONTAINERD_BIN),
            runc_bin: None,
            sandbox_image: crate::images::PAUSE_IMAGE.to_string(),
            cni_bin_dir: PathBuf::from(DEFAULT_CNI_BIN_DIR),
            log_level: "info".to_string(),
            stream_server_address: "127.0.0.1".to_string(),
            restrict_oom_score_adj: !has_effective_capability(CAP_SYS_RESOURCE),
        }
    }

    /// `data_dir/containerd`: everything containerd owns.
    pub fn dir(&self) -> PathBuf {
        self.data_dir.join("containerd")
    }

    /// The gRPC socket (containerd's API and CRI).
    pub fn socket_path(&self) -> PathBuf {
        self.dir().join("containerd.sock")
    }

    /// The ttrpc socket shims report events on.
    pub fn ttrpc_socket_path(&self) -> PathBuf {
        self.dir().join("containerd.sock.ttrpc")
    }

    /// The configuration file we write.
    pub fn config_path(&self) -> PathBuf {
        self.dir().join("config.toml")
    }

    /// containerd's persistent root (content store, snapshots, metadata).
    pub fn root_dir(&self) -> PathBuf {
        self.dir().join("root")
    }

    /// containerd's runtime state (tasks, shim bundles).
    pub fn state_dir(&self) -> PathBuf {
        self.dir().join("state")
    }

    /// runc's state directory for our containers.
    pub fn runc_root(&self) -> PathBuf {
        self.dir().join("runc")
    }

    /// Registry host configuration (`<host>/hosts.toml`, containerd's `config_path`), where
    /// mirrors and local registries are declared.
    pub fn registry_config_dir(&self) -> PathBuf {
        self.dir().join("certs.d")
    }

    /// The file containerd's output goes to.
    pub fn log_path(&self) -> PathBuf {
        self.dir().join("containerd.log")
    }

    /// The `unix://` endpoint of the socket, as the kubelet flag spells it.
    pub fn endpoint(&self) -> String {
        format!("unix://{}", self.socket_path().display())
    }

    /// The configuration file's text (containerd 1.6, config version 2).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let q = |p: &Path| toml_string(&p.to_string_lossy());
        let _ = writeln!(
            out,
            "# containerd configuration written by Rudder; regenerated on every start."
        );
        let _ = writeln!(out, "version = 2");
        let _ = writeln!(out, "root = {}", q(&self.root_dir()));
        let _ = writeln!(out, "state = {}", q(&self.state_dir()));
        let disabled: Vec<String> = DISABLED_PLUGINS.iter().map(|p| toml_string(p)).collect();
        let _ = writeln!(out, "disabled_plugins = [{}]", disabled.join(", "));
        let _ = writeln!(out);
        let _ = writeln!(out, "[grpc]");
        let _ = writeln!(out, "  address = {}", q(&self.socket_path()));
        let _ = writeln!(out, "  uid = 0");
        let _ = writeln!(out, "  gid = 0");
        let _ = writeln!(out, "  max_recv_message_size = 16777216");
        let _ = writeln!(out, "  max_send_message_size = 16777216");
        let _ = writeln!(out);
        let _ = writeln!(out, "[ttrpc]");
        let _ = writeln!(out, "  address = {}", q(&self.ttrpc_socket_path()));
        let _ = writeln!(out);
        let _ = writeln!(out, "[debug]");
        let _ = writeln!(out, "  level = {}", toml_string(&self.log_level));
        let _ = writeln!(out);
        let _ = writeln!(out, "[metrics]");
        let _ = writeln!(out, "  address = \"\"");
        let _ = writeln!(out);
        let _ = writeln!(out, "[plugins]");
        let _ = writeln!(out, "  [plugins.\"io.containerd.internal.v1.opt\"]");
        let _ = writeln!(out, "    path = {}", q(&self.dir().join("opt")));
        let _ = writeln!(out);
        let cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        let _ = writeln!(out, "  [{cri}]");
        let _ = writeln!(
            out,
            "    sandbox_image = {}",
            toml_string(&self.sandbox_image)
        );
        let _ = writeln!(
            out,
            "    stream_server_address = {}",
            toml_string(&self.stream_server_address)
        );
        let _ = writeln!(out, "    stream_server_port = \"0\"");
        let _ = writeln!(out, "    enable_selinux = false");
        let _ = writeln!(out, "    enable_tls_streaming = false");
        let _ = writeln!(out, "    max_container_log_line_size = 16384");
        let _ = writeln!(
            out,
            "    restrict_oom_score_adj = {}",
            self.restrict_oom_score_adj
        );
        let _ = writeln!(out, "    tolerate_missing_hugetlb_controller = true");
        let _ = writeln!(out);
        let _ = writeln!(out, "    [{cri}.containerd]");
        let _ = writeln!(out, "      snapshotter = \"overlayfs\"");
        let _ = writeln!(out, "      default_runtime_name = \"runc\"");
        let _ = writeln!(out);
        let _ = writeln!(out, "      [{cri}.containerd.runtimes.runc]");
        let _ = writeln!(out, "        runtime_type = \"io.containerd.runc.v2\"");
        let _ = writeln!(out);
        let _ = writeln!(out, "        [{cri}.containerd.runtimes.runc.options]");
        let _ = writeln!(out, "          SystemdCgroup = false");
        let _ = writeln!(out, "          Root = {}", q(&self.runc_root()));
        if let Some(runc) = &self.runc_bin {
            let _ = writeln!(out, "          BinaryName = {}", q(runc));
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "    [{cri}.cni]");
        let _ = writeln!(out, "      bin_dir = {}", q(&self.cni_bin_dir));
        let _ = writeln!(out, "      conf_dir = {}", q(&self.cni_conf_dir));
        let _ = writeln!(out, "      max_conf_num = 1");
        let _ = writeln!(out);
        let _ = writeln!(out, "    [{cri}.registry]");
        let _ = writeln!(
            out,
            "      config_path = {}",
            q(&self.registry_config_dir())
        );
        out
    }

    /// Creates the directories and writes the configuration file; returns its path.
    pub fn write(&self) -> Result<PathBuf> {
        for socket in [self.socket_path(), self.ttrpc_socket_path()] {
            let len = socket.as_os_str().len();
            if len > MAX_SOCKET_PATH {
                return Err(Error::Containerd(format!(
                    "socket path {} is {len} bytes, longer than the {MAX_SOCKET_PATH} a unix socket allows; use a shorter data directory",
                    socket.display()
                )));
            }
        }
        for dir in [
            self.dir(),
            self.root_dir(),
            self.state_dir(),
            self.runc_root(),
            self.registry_config_dir(),
            self.cni_conf_dir.clone(),
        ] {
            fs::create_dir_all(&dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        let path = self.config_path();
        write_atomically(&path, self.render().as_bytes())?;
        Ok(path)
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(format!("renaming to {}", path.display()), e))
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `CAP_SYS_RESOURCE`, needed to lower a process's `oom_score_adj`.
pub const CAP_SYS_RESOURCE: u32 = 24;

/// True when this process has capability number `cap` in its effective set.
pub fn has_effective_capability(cap: u32) -> bool {
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|mask| cap < 64 && mask & (1u64 << cap) != 0)
}

/// How cgroups are mounted on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupMode {
    /// Only cgroup v1 hierarchies.
    V1,
    /// cgroup v1 controllers plus an empty cgroup v2 tree at `/sys/fs/cgroup/unified`
    /// (containers are managed through v1).
    Hybrid,
    /// The unified hierarchy (cgroup v2).
    V2,
}

/// Detects how `/sys/fs/cgroup` is mounted.
pub fn cgroup_mode() -> Result<CgroupMode> {
    const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;
    let magic = fs_magic(Path::new("/sys/fs/cgroup"))?;
    if magic == CGROUP2_SUPER_MAGIC {
        return Ok(CgroupMode::V2);
    }
    match fs_magic(Path::new("/sys/fs/cgroup/unified")) {
        Ok(m) if m == CGROUP2_SUPER_MAGIC => Ok(CgroupMode::Hybrid),
        _ => Ok(CgroupMode::V1),
    }
}

fn fs_magic(path: &Path) -> Result<i64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::InvalidArgument(format!("path {} has a NUL", path.display())))?;
    // SAFETY: `c_path` is a valid NUL-terminated string and `buf` is a properly sized,
    // writable statfs buffer that lives for the duration of the call.
    let mut buf: libc::statfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statfs(c_path.as_ptr(), &mut buf) };
    if rc != 0 {
        return Err(Error::io(
            format!("statfs {}", path.display()),
            std::io::Error::last_os_error(),
        ));
    }
    #[allow(clippy::unnecessary_cast)]
    Ok(buf.f_type as i64)
}

/// True when the kernel offers overlayfs (the snapshotter we configure).
pub fn overlayfs_available() -> bool {
    fs::read_to_string("/proc/filesystems")
        .map(|s| {
            s.lines()
                .any(|l| l.split_whitespace().last() == Some("overlay"))
        })
        .unwrap_or(false)
}

/// Restart back-off bounds.
const BACKOFF_START: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// A run this long resets the back-off.
const HEALTHY_RUN: Duration = Duration::from_secs(60);
/// How long containerd gets to exit after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// How long the first start may take before we give up.
const START_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct State {
    /// PID of the running, not yet reaped child. Signals are only sent while this is set, so
    /// they can never reach a recycled PID.
    pid: Option<u32>,
    stopping: bool,
    /// Times the child exited.
    exits: u64,
    /// Times it was started again after exiting.
    restarts: u64,
    last_exit: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

/// A containerd process we started and keep running.
///
/// The process is started from a dedicated monitor thread (so its parent-death signal stays
/// armed for as long as the supervisor lives), restarted with exponential back-off when it
/// exits, and stopped — SIGTERM, then SIGKILL after a grace period, always by the PID of the
/// child we still hold — by [`Containerd::shutdown`] or on drop. Containers keep running across
/// a containerd restart or stop (their shims are independent), as with a system containerd.
pub struct Containerd {
    config: ContainerdConfig,
    shared: Arc<Shared>,
    monitor: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Containerd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Containerd")
            .field("socket", &self.config.socket_path())
            .field("pid", &self.pid())
            .finish()
    }
}

impl Containerd {
    /// Writes the configuration, starts containerd and waits until its CRI service answers
    /// `Version`.
    pub async fn start(config: ContainerdConfig) -> Result<Containerd> {
        if !config.containerd_bin.exists() {
            return Err(Error::Containerd(format!(
                "{} not found; install Debian's containerd package (scripts/install-deps.sh)",
                config.containerd_bin.display()
            )));
        }
        if !overlayfs_available() {
            tracing::warn!(
                "the kernel does not list overlayfs; containerd's overlayfs snapshotter will fail"
            );
        }
        config.write()?;
        let socket = config.socket_path();
        if socket.exists() {
            if client::wait_until_serving(&socket, Duration::ZERO)
                .await
                .is_ok()
            {
                return Err(Error::Containerd(format!(
                    "another containerd already serves {}",
                    socket.display()
                )));
            }
            for stale in [socket.clone(), config.ttrpc_socket_path()] {
                let _ = fs::remove_file(stale);
            }
        }

        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let (first_tx, first_rx) = tokio::sync::oneshot::channel();
        let monitor = {
            let shared = shared.clone();
            let config = config.clone();
            std::thread::Builder::new()
                .name("containerd-monitor".into())
                .spawn(move || monitor(config, shared, first_tx))
                .map_err(|e| Error::io("starting the containerd monitor thread", e))?
        };
        let mut supervisor = Containerd {
            config,
            shared,
            monitor: Some(monitor),
        };
        let started = Instant::now();
        match first_rx.await {
            Ok(Ok(pid)) => tracing::info!(pid, "containerd started"),
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(Error::Containerd(
                    "the monitor thread ended before starting containerd".into(),
                ))
            }
        }
        if let Err(e) = supervisor.wait_first_ready().await {
            supervisor.stop();
            return Err(e);
        }
        tracing::info!(elapsed = ?started.elapsed(), socket = %supervisor.config.socket_path().display(), "containerd is serving CRI");
        Ok(supervisor)
    }

    async fn wait_first_ready(&self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        let socket = self.config.socket_path();
        loop {
            {
                let state = self.shared.lock();
                if state.exits > 0 {
                    let how = state.last_exit.clone().unwrap_or_default();
                    drop(state);
                    return Err(Error::Containerd(format!(
                        "exited during start-up ({how}); last log lines:\n{}",
                        self.log_tail(20)
                    )));
                }
            }
            if socket.exists() {
                let probe = async {
                    RuntimeClient::connect(&socket)
                        .await?
                        .with_timeout(Duration::from_secs(5))
                        .version()
                        .await
                };
                match probe.await {
                    Ok(_) => return Ok(()),
                    // containerd serves, but without the CRI plugin (it failed to load).
                    Err(e) if e.code() == Some(tonic::Code::Unimplemented) => {
                        return Err(Error::Containerd(format!(
                            "the CRI plugin is not serving on {}; last log lines:\n{}",
                            socket.display(),
                            self.log_tail(20)
                        )));
                    }
                    Err(_) => {}
                }
            }
            if Instant::now() >= deadline {
                return Err(Error::Containerd(format!(
                    "CRI did not answer on {} within {START_TIMEOUT:?}; last log lines:\n{}",
                    socket.display(),
                    self.log_tail(20)
                )));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until the CRI service answers (for example after a restart).
    pub async fn wait_ready(&self, timeout: Duration) -> Result<()> {
        client::wait_until_serving(&self.config.socket_path(), timeout)
            .await
            .map(|_| ())
    }

    /// A CRI runtime client on our socket.
    pub async fn runtime_client(&self) -> Result<RuntimeClient> {
        RuntimeClient::connect(self.config.socket_path()).await
    }

    /// The configuration this instance runs with.
    pub fn config(&self) -> &ContainerdConfig {
        &self.config
    }

    /// The gRPC socket.
    pub fn socket_path(&self) -> PathBuf {
        self.config.socket_path()
    }

    /// PID of the running containerd, if one is running right now.
    pub fn pid(&self) -> Option<u32> {
        self.shared.lock().pid
    }

    /// How many times containerd was started again after exiting.
    pub fn restarts(&self) -> u64 {
        self.shared.lock().restarts
    }

    /// The last `lines` lines of containerd's log.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.config.log_path(), lines)
    }

    /// Stops containerd (SIGTERM, SIGKILL after a grace period) and the monitor thread.
    pub async fn shutdown(mut self) -> Result<()> {
        let monitor = self.monitor.take();
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || stop(&shared, monitor))
            .await
            .map_err(|e| Error::Containerd(format!("stopping: {e}")))
    }

    fn stop(&mut self) {
        let monitor = self.monitor.take();
        stop(&self.shared, monitor);
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn stop(shared: &Shared, monitor: Option<JoinHandle<()>>) {
    let Some(monitor) = monitor else { return };
    {
        let mut state = shared.lock();
        state.stopping = true;
        shared.changed.notify_all();
        if let Some(pid) = state.pid {
            signal(pid, libc::SIGTERM);
            let deadline = Instant::now() + STOP_GRACE;
            state = wait_exit(shared, state, deadline);
            if let Some(pid) = state.pid {
                tracing::warn!(pid, "containerd ignored SIGTERM; killing it");
                signal(pid, libc::SIGKILL);
                drop(wait_exit(
                    shared,
                    state,
                    Instant::now() + Duration::from_secs(10),
                ));
            }
        }
    }
    let _ = monitor.join();
}

fn wait_exit<'a>(
    shared: &'a Shared,
    mut state: MutexGuard<'a, State>,
    deadline: Instant,
) -> MutexGuard<'a, State> {
    while state.pid.is_some() {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        state = shared
            .changed
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(|poison| poison.into_inner())
            .0;
    }
    state
}

fn signal(pid: u32, sig: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: plain syscall; the caller holds the state lock and `pid` is our unreaped child.
    unsafe {
        libc::kill(pid, sig);
    }
}

fn spawn_child(config: &ContainerdConfig) -> Result<Child> {
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(config.log_path())
        .map_err(|e| Error::io(format!("opening {}", config.log_path().display()), e))?;
    let log_err = log
        .try_clone()
        .map_err(|e| Error::io("duplicating the log file handle", e))?;
    let path = match std::env::var("PATH") {
        Ok(p) if !p.is_empty() => {
            format!("{p}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        _ => "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    };
    let mut cmd = Command::new(&config.containerd_bin);
    cmd.arg("--config")
        .arg(config.config_path())
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err))
        // Its own process group: a terminal's Ctrl-C reaches us, and we stop it in order.
        .process_group(0);
    // SAFETY: the closure only calls async-signal-safe prctl(2).
    unsafe {
        cmd.pre_exec(|| {
            // If the supervising thread dies without stopping containerd, containerd stops too.
            libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGTERM as libc::c_ulong,
                0,
                0,
                0,
            );
            Ok(())
        });
    }
    cmd.spawn()
        .map_err(|e| Error::io(format!("starting {}", config.containerd_bin.display()), e))
}

/// Waits for the child to exit without reaping it, so its PID stays ours until we record the
/// exit under the lock.
fn wait_exit_unreaped(pid: u32) {
    let id: libc::id_t = pid;
    loop {
        // SAFETY: waitid with a zeroed siginfo buffer that outlives the call.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::waitid(libc::P_PID, id, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if rc == 0 {
            return;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}

type FirstStart = tokio::sync::oneshot::Sender<Result<u32>>;

fn monitor(config: ContainerdConfig, shared: Arc<Shared>, first: FirstStart) {
    let mut first = Some(first);
    let mut backoff = BACKOFF_START;
    loop {
        let started = Instant::now();
        let mut child = {
            let mut state = shared.lock();
            if state.stopping {
                return;
            }
            match spawn_child(&config) {
                Ok(child) => {
                    state.pid = Some(child.id());
                    if let Some(tx) = first.take() {
                        let _ = tx.send(Ok(child.id()));
                    } else {
                        state.restarts += 1;
                        tracing::info!(
                            pid = child.id(),
                            restarts = state.restarts,
                            "containerd restarted"
                        );
                    }
                    shared.changed.notify_all();
                    child
                }
                Err(e) => {
                    if let Some(tx) = first.take() {
                        let _ = tx.send(Err(e));
                        return;
                    }
                    tracing::error!(error = %e, "restarting containerd failed");
                    drop(state);
                    if sleep_unless_stopping(&shared, backoff) {
                        return;
                    }
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    continue;
                }
            }
        };
        let pid = child.id();
        wait_exit_unreaped(pid);
        let stopping = {
            let mut state = shared.lock();
            let status = child.wait();
            state.pid = None;
            state.exits += 1;
            let how = match status {
                Ok(s) => s.to_string(),
                Err(e) => format!("wait failed: {e}"),
            };
            state.last_exit = Some(how.clone());
            shared.changed.notify_all();
            if !state.stopping {
                tracing::warn!(pid, status = %how, "containerd exited; restarting after back-off");
            }
            state.stopping
        };
        if stopping {
            return;
        }
        if started.elapsed() >= HEALTHY_RUN {
            backoff = BACKOFF_START;
        }
        if sleep_unless_stopping(&shared, backoff) {
            return;
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Sleeps for `duration` unless a stop is requested first; returns true when stopping.
fn sleep_unless_stopping(shared: &Shared, duration: Duration) -> bool {
    let deadline = Instant::now() + duration;
    let mut state = shared.lock();
    while !state.stopping {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        state = shared
            .changed
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(|poison| poison.into_inner())
            .0;
    }
    true
}

/// The last `lines` lines of a log file (reads at most its last 64 KiB).
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(64 * 1024);
    if file.seek(SeekFrom::Start(start)).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = file.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("plain"), "\"plain\"");
        assert_eq!(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(toml_string("x\ny\u{1}"), "\"x\\ny\\u0001\"");
    }

    #[test]
    fn config_renders_valid_toml_with_our_paths() {
        let cfg = ContainerdConfig::new("/var/lib/rudder \"agent\"");
        let text = cfg.render();
        let doc: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(doc["version"].as_integer(), Some(2));
        assert_eq!(
            doc["root"].as_str(),
            Some("/var/lib/rudder \"agent\"/containerd/root")
        );
        assert_eq!(
            doc["state"].as_str(),
            Some("/var/lib/rudder \"agent\"/containerd/state")
        );
        assert_eq!(
            doc["grpc"]["address"].as_str(),
            Some("/var/lib/rudder \"agent\"/containerd/containerd.sock")
        );
        let disabled = doc["disabled_plugins"].as_array().unwrap();
        assert!(disabled
            .iter()
            .any(|p| p.as_str() == Some("io.containerd.snapshotter.v1.btrfs")));

        let cri = &doc["plugins"]["io.containerd.grpc.v1.cri"];
        assert_eq!(
            cri["sandbox_image"].as_str(),
            Some("rudder.local/pause:3.10")
        );
        assert_eq!(cri["containerd"]["snapshotter"].as_str(), Some("overlayfs"));
        assert_eq!(
            cri["containerd"]["default_runtime_name"].as_str(),
            Some("runc")
        );
        let runc = &cri["containerd"]["runtimes"]["runc"];
        assert_eq!(runc["runtime_type"].as_str(), Some("io.containerd.runc.v2"));
        assert_eq!(runc["options"]["SystemdCgroup"].as_bool(), Some(false));
        assert_eq!(
            runc["options"]["Root"].as_str(),
            Some("/var/lib/rudder \"agent\"/containerd/runc")
        );
        assert!(runc["options"].get("BinaryName").is_none());
        assert_eq!(cri["cni"]["bin_dir"].as_str(), Some("/usr/lib/cni"));
        assert_eq!(
            cri["cni"]["conf_dir"].as_str(),
            Some("/var/lib/rudder \"agent\"/cni/net.d")
        );
        assert_eq!(
            cri["registry"]["config_path"].as_str(),
            Some("/var/lib/rudder \"agent\"/containerd/certs.d")
        );
        assert_eq!(
            doc["plugins"]["io.containerd.internal.v1.opt"]["path"].as_str(),
            Some("/var/lib/rudder \"agent\"/containerd/opt")
        );
    }

    #[test]
    fn runc_binary_is_written_when_set() {
        let mut cfg = ContainerdConfig::new("/d");
        cfg.restrict_oom_score_adj = true;
        cfg.runc_bin = Some(PathBuf::from("/usr/sbin/runc"));
        cfg.sandbox_image = "example.test/pause:1".into();
        let doc: toml::Table = toml::from_str(&cfg.render()).unwrap();
        let cri = &doc["plugins"]["io.containerd.grpc.v1.cri"];
        assert_eq!(cri["sandbox_image"].as_str(), Some("example.test/pause:1"));
        assert_eq!(cri["restrict_oom_score_adj"].as_bool(), Some(true));
        assert_eq!(
            cri["containerd"]["runtimes"]["runc"]["options"]["BinaryName"].as_str(),
            Some("/usr/sbin/runc")
        );
    }

    #[test]
    fn write_creates_directories_and_file() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = ContainerdConfig::new(tmp.path());
        let path = cfg.write().unwrap();
        assert_eq!(path, tmp.path().join("containerd/config.toml"));
        assert_eq!(fs::read_to_string(&path).unwrap(), cfg.render());
        for dir in [
            cfg.root_dir(),
            cfg.state_dir(),
            cfg.runc_root(),
            cfg.registry_config_dir(),
            cfg.cni_conf_dir.clone(),
        ] {
            assert!(dir.is_dir(), "{} missing", dir.display());
        }
        assert_eq!(
            cfg.endpoint(),
            format!("unix://{}/containerd/containerd.sock", tmp.path().display())
        );
    }

    #[test]
    fn overlong_socket_paths_are_refused() {
        let long = format!("/tmp/{}", "x".repeat(120));
        let err = ContainerdConfig::new(long).write().unwrap_err();
        assert!(err.to_string().contains("unix socket"), "{err}");
    }

    #[test]
    fn log_tail_returns_last_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("log");
        fs::write(&path, "a\nb\nc\nd\n").unwrap();
        assert_eq!(log_tail(&path, 2), "c\nd");
        assert_eq!(log_tail(&tmp.path().join("missing"), 2), "");
    }

    #[test]
    fn capabilities_are_read() {
        // CAP_CHOWN (0) is held by root everywhere we run; nothing holds capability 63.
        if unsafe { libc::geteuid() } == 0 {
            assert!(has_effective_capability(0));
        }
        assert!(!has_effective_capability(63));
        assert!(!has_effective_capability(200));
    }

    #[test]
    fn cgroup_mode_is_detected() {
        // Every Linux machine that runs the tests has /sys/fs/cgroup in one of the three forms.
        assert!(cgroup_mode().is_ok());
    }
}
