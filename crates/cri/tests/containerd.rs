//! Runs a real containerd (Debian's package) under the supervisor, imports the built-in images
//! and drives pod sandboxes and containers through the CRI client. Needs root and containerd,
//! runc and busybox-static installed (scripts/install-deps.sh); fails, rather than skips, when
//! they are missing. Each test uses its own data directory and containerd, and removes what it
//! created — including on failure — killing only the processes it started.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cri::api;
use cri::containerd::{cgroup_mode, overlayfs_available, CgroupMode};
use cri::images::{self, ImportOutcome};
use cri::{Containerd, ContainerdConfig, RuntimeClient};

fn require_environment() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "these tests run containerd and need root (euid is {euid})"
    );
    for (path, package) in [
        ("/usr/bin/containerd", "containerd"),
        ("/usr/bin/ctr", "containerd"),
        ("/usr/bin/containerd-shim-runc-v2", "containerd"),
        ("/usr/sbin/runc", "runc"),
        ("/bin/busybox", "busybox-static"),
    ] {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: install Debian's {package} package (scripts/install-deps.sh)"
        );
    }
    assert!(
        overlayfs_available(),
        "the kernel does not offer overlayfs, which containerd's snapshotter needs"
    );
}

/// A short data directory (unix socket paths are limited to 107 bytes).
fn data_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("rcri")
        .tempdir_in("/tmp")
        .expect("temp dir")
}

/// On drop — also when a test fails — stops and removes every sandbox in our containerd and
/// deletes the cgroups our pods used. Declared after the `Containerd` so it runs first.
struct PodCleanup {
    socket: PathBuf,
    cgroup_parent: String,
}

impl Drop for PodCleanup {
    fn drop(&mut self) {
        let socket = self.socket.clone();
        let worker = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let Ok(client) = RuntimeClient::connect(&socket).await else {
                    return;
                };
                let client = client.with_timeout(Duration::from_secs(30));
                if let Ok(pods) = client.list_pod_sandbox(None).await {
                    for pod in pods {
                        let _ = client.stop_pod_sandbox(&pod.id).await;
                        let _ = client.remove_pod_sandbox(&pod.id).await;
                    }
                }
            });
        });
        let _ = worker.join();
        remove_cgroups(&self.cgroup_parent);
    }
}

/// Removes the (empty) cgroup directories under `parent` in every hierarchy.
fn remove_cgroups(parent: &str) {
    let rel = parent.trim_start_matches('/');
    if rel.is_empty() {
        return;
    }
    let Ok(hierarchies) = std::fs::read_dir("/sys/fs/cgroup") else {
        return;
    };
    let mut roots: Vec<PathBuf> = hierarchies.flatten().map(|e| e.path()).collect();
    roots.push(PathBuf::from("/sys/fs/cgroup"));
    for root in roots {
        let dir = root.join(rel);
        if !dir.is_dir() {
            continue;
        }
        // Children first (cgroup directories are removed with rmdir, never recursively).
        if let Ok(children) = std::fs::read_dir(&dir) {
            for child in children.flatten() {
                if child.path().is_dir() {
                    let _ = std::fs::remove_dir(child.path());
                }
            }
        }
        let _ = std::fs::remove_dir(&dir);
    }
}

fn sandbox_config(
    name: &str,
    uid: &str,
    log_dir: &Path,
    cgroup_parent: &str,
) -> api::PodSandboxConfig {
    api::PodSandboxConfig {
        metadata: Some(api::PodSandboxMetadata {
            name: name.into(),
            uid: uid.into(),
            namespace: "default".into(),
            attempt: 0,
        }),
        // A pod in the node's network namespace shares its UTS namespace too, so it gets no
        // hostname of its own (the kubelet leaves it empty for host-network pods as well).
        hostname: String::new(),
        log_directory: log_dir.to_string_lossy().into_owned(),
        labels: HashMap::from([("app".to_string(), "cri-test".to_string())]),
        linux: Some(api::LinuxPodSandboxConfig {
            cgroup_parent: cgroup_parent.into(),
            security_context: Some(api::LinuxSandboxSecurityContext {
                // The node's network namespace: no CNI needed.
                namespace_options: Some(api::NamespaceOption {
                    network: api::NamespaceMode::Node as i32,
                    pid: api::NamespaceMode::Pod as i32,
                    ipc: api::NamespaceMode::Pod as i32,
                    target_id: String::new(),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// One line of the CRI log format: `<RFC 3339 time> <stream> <P|F> <text>`.
fn parse_log_line(line: &str) -> Option<(&str, &str, &str, &str)> {
    let (time, rest) = line.split_once(' ')?;
    let (stream, rest) = rest.split_once(' ')?;
    let (tag, text) = rest.split_once(' ').unwrap_or((rest, ""));
    Some((time, stream, tag, text))
}

async fn wait_for_log(path: &Path, needle: &str, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) || Instant::now() >= deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_and_busybox_container_on_real_containerd() {
    require_environment();
    let mode = cgroup_mode().expect("cgroup mode");
    eprintln!("cgroups: {mode:?}");

    let tmp = data_dir();
    let config = ContainerdConfig::new(tmp.path());

    let t = Instant::now();
    let containerd = Containerd::start(config.clone())
        .await
        .expect("containerd starts");
    eprintln!("containerd start: {:?}", t.elapsed());
    let cgroup_parent = format!("/rudder-cri-test-{}", std::process::id());
    let _cleanup = PodCleanup {
        socket: config.socket_path(),
        cgroup_parent: cgroup_parent.clone(),
    };

    // Images: built offline, imported once, skipped when unchanged.
    let t = Instant::now();
    let built = images::ensure_builtin_images(&config)
        .await
        .expect("built-in images import");
    eprintln!("image build + import: {:?}", t.elapsed());
    assert!(built.iter().all(|b| b.outcome == ImportOutcome::Imported));
    let t = Instant::now();
    let again = images::ensure_builtin_images(&config).await.unwrap();
    eprintln!("image check when unchanged: {:?}", t.elapsed());
    assert!(again.iter().all(|b| b.outcome == ImportOutcome::Unchanged));

    let rt = containerd.runtime_client().await.expect("CRI client");
    let version = rt.version().await.expect("Version");
    assert_eq!(version.runtime_name, "containerd");
    assert_eq!(version.runtime_api_version, "v1");
    eprintln!(
        "runtime: {} {}",
        version.runtime_name, version.runtime_version
    );
    let status = rt.status(false).await.expect("Status");
    let conditions = status.status.unwrap().conditions;
    assert!(conditions
        .iter()
        .any(|c| c.r#type == "RuntimeReady" && c.status));

    let img = rt.image_client();
    let busybox_id = &built[1].image_id;
    for name in [
        "busybox",
        "busybox:latest",
        "busybox:1.36",
        "docker.io/library/busybox:latest",
    ] {
        let image = img
            .image_status(name)
            .await
            .expect("ImageStatus")
            .unwrap_or_else(|| panic!("{name} is not known to the CRI"));
        assert_eq!(&image.id, busybox_id, "{name}");
    }
    let pause = img
        .image_status(images::PAUSE_IMAGE)
        .await
        .unwrap()
        .expect("pause image present");
    assert_eq!(pause.id, built[0].image_id);
    assert!(img
        .image_status("rudder.local/absent:1")
        .await
        .unwrap()
        .is_none());
    let listed = img.list_images(None).await.unwrap();
    assert!(listed.iter().any(|i| i
        .repo_tags
        .iter()
        .any(|t| t == "docker.io/library/busybox:1.36")));
    let fs_info = img.image_fs_info().await.expect("ImageFsInfo");
    assert!(!fs_info.image_filesystems.is_empty());

    // A pod in the host network namespace.
    let uid = format!("uid-{}", std::process::id());
    let log_dir = tmp.path().join("pods").join(&uid);
    std::fs::create_dir_all(&log_dir).unwrap();
    let sandbox = sandbox_config("cri-test", &uid, &log_dir, &cgroup_parent);
    let t = Instant::now();
    let pod_id = rt
        .run_pod_sandbox(sandbox.clone(), "")
        .await
        .expect("RunPodSandbox");
    eprintln!("RunPodSandbox: {:?}", t.elapsed());
    let pod_status = rt.pod_sandbox_status(&pod_id, false).await.unwrap();
    let pod = pod_status.status.unwrap();
    assert_eq!(pod.state(), api::PodSandboxState::SandboxReady);
    assert_eq!(pod.metadata.unwrap().uid, uid);

    let container = api::ContainerConfig {
        metadata: Some(api::ContainerMetadata {
            name: "echo".into(),
            attempt: 0,
        }),
        image: Some(cri::client::image_spec("busybox")),
        command: vec!["sh".into(), "-c".into()],
        args: vec!["echo hello from rudder; echo to stderr >&2; exec sleep 3600".into()],
        envs: vec![api::KeyValue {
            key: "GREETING".into(),
            value: "hi".into(),
        }],
        log_path: "echo/0.log".into(),
        labels: HashMap::from([("container".to_string(), "echo".to_string())]),
        linux: Some(api::LinuxContainerConfig {
            resources: Some(api::LinuxContainerResources {
                memory_limit_in_bytes: 64 << 20,
                cpu_shares: 256,
                ..Default::default()
            }),
            security_context: Some(api::LinuxContainerSecurityContext {
                // The runtime's default seccomp filter must load on this kernel.
                seccomp: Some(api::SecurityProfile {
                    profile_type: api::security_profile::ProfileType::RuntimeDefault as i32,
                    localhost_ref: String::new(),
                }),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    let t = Instant::now();
    let container_id = rt
        .create_container(&pod_id, container, sandbox.clone())
        .await
        .expect("CreateContainer");
    rt.start_container(&container_id)
        .await
        .expect("StartContainer");
    eprintln!("CreateContainer + StartContainer: {:?}", t.elapsed());

    let log_path = log_dir.join("echo/0.log");
    let log = wait_for_log(&log_path, "to stderr", Duration::from_secs(10)).await;
    let lines: Vec<_> = log.lines().filter_map(parse_log_line).collect();
    let stdout = lines
        .iter()
        .find(|l| l.1 == "stdout")
        .unwrap_or_else(|| panic!("no stdout line in {log:?}"));
    assert_eq!(stdout.2, "F");
    assert_eq!(stdout.3, "hello from rudder");
    assert!(
        stdout.0.ends_with('Z') && stdout.0.contains('T'),
        "{}",
        stdout.0
    );
    assert!(
        lines.iter().any(|l| l.1 == "stderr" && l.3 == "to stderr"),
        "{log:?}"
    );

    let status = rt.container_status(&container_id, false).await.unwrap();
    let cstatus = status.status.unwrap();
    assert_eq!(cstatus.state(), api::ContainerState::ContainerRunning);
    assert_eq!(cstatus.image_ref, *busybox_id);
    assert_eq!(cstatus.log_path, log_path.to_string_lossy());

    let t = Instant::now();
    let out = rt
        .exec_sync(
            &container_id,
            vec!["echo".into(), "hi".into()],
            Some(Duration::from_secs(10)),
        )
        .await
        .expect("ExecSync");
    eprintln!("ExecSync: {:?}", t.elapsed());
    assert_eq!(out.exit_code, 0);
    assert_eq!(out.stdout, b"hi\n");
    let out = rt
        .exec_sync(
            &container_id,
            vec![
                "sh".into(),
                "-c".into(),
                "echo $GREETING; ls /bin/wget; exit 3".into(),
            ],
            Some(Duration::from_secs(10)),
        )
        .await
        .unwrap();
    assert_eq!(out.exit_code, 3);
    assert_eq!(out.stdout, b"hi\n/bin/wget\n");
    // The memory limit reached the container's cgroup, and the seccomp filter is active.
    let out = rt
        .exec_sync(
            &container_id,
            vec![
                "sh".into(),
                "-c".into(),
                "grep Seccomp: /proc/self/status; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null".into(),
            ],
            Some(Duration::from_secs(10)),
        )
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Seccomp:\t2"), "{text}");
    assert!(text.contains(&(64u64 << 20).to_string()), "{text}");

    let containers = rt
        .list_containers(Some(api::ContainerFilter {
            pod_sandbox_id: pod_id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(containers.len(), 1);
    assert_eq!(containers[0].id, container_id);
    let stats = rt
        .container_stats(&container_id)
        .await
        .expect("ContainerStats");
    assert_eq!(stats.attributes.unwrap().id, container_id);
    assert!(stats.memory.is_some() && stats.cpu.is_some());

    let url = rt
        .exec(api::ExecRequest {
            container_id: container_id.clone(),
            cmd: vec!["sh".into()],
            stdout: true,
            ..Default::default()
        })
        .await
        .expect("Exec");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    // A real exec over the streaming server: stdin in, stdout and stderr out, the exit code in
    // the final Status.
    let url = rt
        .exec(api::ExecRequest {
            container_id: container_id.clone(),
            cmd: vec![
                "sh".into(),
                "-c".into(),
                "read x; echo out:$x; echo err >&2; exit 3".into(),
            ],
            stdin: true,
            stdout: true,
            stderr: true,
            ..Default::default()
        })
        .await
        .expect("Exec");
    let session = cri::stream::connect(&url, streaming::remotecommand::SPDY_EXEC_V4)
        .await
        .expect("SPDY upgrade");
    let cmd = cri::stream::remote_command(
        session,
        cri::stream::Streams {
            stdin: true,
            stdout: true,
            stderr: true,
            tty: false,
        },
    )
    .await
    .expect("remote-command streams");
    let stdin = cmd.stdin.unwrap();
    stdin.writer.write(b"hello\n").await.unwrap();
    stdin.writer.finish().await.unwrap();
    let collect = |mut s: cri::stream::Stream| async move {
        let mut out = Vec::new();
        while let Some(b) = s.data.recv().await {
            out.extend_from_slice(&b);
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    let (out, err, status) = tokio::join!(
        collect(cmd.stdout.unwrap()),
        collect(cmd.stderr.unwrap()),
        collect(cmd.error)
    );
    assert_eq!(out, "out:hello\n");
    assert_eq!(err, "err\n");
    let status: serde_json::Value = serde_json::from_str(&status).expect("Status JSON");
    assert_eq!(
        streaming::remotecommand::exit_code(&status),
        Some(3),
        "{status}"
    );

    // Errors come back typed, not as panics.
    let missing = rt
        .container_status("no-such-container", false)
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    assert!(rt.start_container("").await.is_err());

    let t = Instant::now();
    rt.stop_container(&container_id, 5)
        .await
        .expect("StopContainer");
    let stopped = rt.container_status(&container_id, false).await.unwrap();
    assert_eq!(
        stopped.status.unwrap().state(),
        api::ContainerState::ContainerExited
    );
    rt.remove_container(&container_id)
        .await
        .expect("RemoveContainer");
    rt.stop_pod_sandbox(&pod_id).await.expect("StopPodSandbox");
    rt.remove_pod_sandbox(&pod_id)
        .await
        .expect("RemovePodSandbox");
    eprintln!("stop + remove: {:?}", t.elapsed());
    assert!(rt.list_pod_sandbox(None).await.unwrap().is_empty());
    assert!(rt.list_containers(None).await.unwrap().is_empty());

    let pid = containerd.pid().expect("containerd running");
    containerd.shutdown().await.unwrap();
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "containerd {pid} still running"
    );
    if mode != CgroupMode::V2 {
        remove_cgroups(&cgroup_parent);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containerd_is_restarted_after_it_dies() {
    require_environment();
    let tmp = data_dir();
    let config = ContainerdConfig::new(tmp.path());
    let containerd = Containerd::start(config.clone()).await.expect("start");
    let first = containerd.pid().expect("pid");
    let client = containerd.runtime_client().await.unwrap();
    client.version().await.unwrap();

    // Kill the containerd this test started, by its PID.
    // SAFETY: plain syscall on our own child.
    unsafe {
        libc::kill(first as libc::pid_t, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while containerd.restarts() == 0 {
        assert!(Instant::now() < deadline, "containerd was not restarted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let t = Instant::now();
    containerd
        .wait_ready(Duration::from_secs(30))
        .await
        .expect("serving again");
    eprintln!("ready again {:?} after the restart", t.elapsed());
    let second = containerd.pid().expect("pid after restart");
    assert_ne!(first, second);
    // The existing client reconnects by itself.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match client.version().await {
            Ok(_) => break,
            Err(e) => {
                assert!(Instant::now() < deadline, "client did not reconnect: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    // A second supervisor on the same data directory refuses to start.
    let err = Containerd::start(config.clone()).await.unwrap_err();
    assert!(err.to_string().contains("already serves"), "{err}");

    drop(containerd);
    assert!(
        !Path::new(&format!("/proc/{second}")).exists(),
        "containerd {second} still running after drop"
    );
}

#[tokio::test]
async fn a_bad_configuration_fails_start_with_the_log() {
    require_environment();
    let tmp = data_dir();
    let mut config = ContainerdConfig::new(tmp.path());
    config.log_level = "no-such-level".into();
    let err = Containerd::start(config).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("exited during start-up"), "{text}");
}

#[tokio::test]
async fn connecting_to_a_missing_socket_fails() {
    let tmp = data_dir();
    let err = RuntimeClient::connect(tmp.path().join("none.sock"))
        .await
        .unwrap_err();
    assert!(matches!(err, cri::Error::Connect { .. }), "{err}");
    assert!(err.to_string().contains("No such file"), "{err}");
}
