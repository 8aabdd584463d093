//! Pulling from a private registry: Debian's `docker-registry` with htpasswd authentication on
//! loopback, an image pushed to it with `ctr`. A pod without credentials ends in
//! ErrImagePull/ImagePullBackOff; one with a `kubernetes.io/dockerconfigjson` pull secret runs;
//! and the node's `registries.yaml` supplies the endpoint (plain HTTP) and, for the registry's
//! other name, credentials of its own. Pull policies: `Always` pulls an image the node has,
//! `IfNotPresent` uses it, `Never` refuses one it lacks (ErrImageNeverPull).

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{eventually, free_port, AgentCleanup, Cluster};
use serde_json::json;

const NODE: &str = "rudder-registry-e2e";
const WAIT: Duration = Duration::from_secs(90);
const USER: &str = "puller";
const PASSWORD: &str = "registry-secret";

/// The registry process, killed by PID on drop.
struct Registry(Child);

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_registry(dir: &Path, port: u16) -> Registry {
    let hash = bcrypt::hash(PASSWORD, 5).unwrap();
    std::fs::write(dir.join("htpasswd"), format!("{USER}:{hash}\n")).unwrap();
    let config = format!(
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\nauth:\n  htpasswd:\n    realm: rudder-test\n    path: {}\n",
        dir.join("data").display(),
        dir.join("htpasswd").display()
    );
    std::fs::write(dir.join("config.yml"), config).unwrap();
    let log = std::fs::File::create(dir.join("registry.log")).unwrap();
    let child = Command::new("/usr/bin/docker-registry")
        .arg("serve")
        .arg(dir.join("config.yml"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start docker-registry (scripts/install-deps.sh installs it)");
    let registry = Registry(child);
    eventually(Duration::from_secs(20), || {
        std::net::TcpStream::connect(("127.0.0.1", port))
            .ok()
            .map(|_| ())
    });
    registry
}

fn ctr(socket: &Path, args: &[&str]) {
    let out = Command::new("/usr/bin/ctr")
        .arg("--address")
        .arg(socket)
        .args(["--namespace", "k8s.io"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "ctr {args:?}: {out:?}");
}

fn waiting_reason(c: &Cluster, pod: &str) -> Option<String> {
    let p = c.json(&["get", "pod", pod]);
    p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
        .as_str()
        .map(str::to_string)
}

/// Waits for the pod to be Ready; on time-out, fails with what `kubectl describe` says.
fn wait_ready(c: &Cluster, pod: &str) {
    let target = format!("pod/{pod}");
    let out = c.kubectl(&["wait", "--for=condition=Ready", &target, "--timeout=90s"]);
    if !out.status.success() {
        panic!("{pod} not ready:\n{}", c.ok(&["describe", "pod", pod]));
    }
}

#[test]
fn private_registry_pulls_need_credentials() {
    let port = free_port();
    let work = tempfile::tempdir().unwrap();
    let _registry = start_registry(work.path(), port);

    // The node reaches the registry over plain HTTP under both of its names; the `localhost`
    // name has credentials in registries.yaml, the 127.0.0.1 one needs a pull secret.
    let data = tempfile::tempdir().unwrap();
    let registries = format!(
        "mirrors:\n  \"127.0.0.1:{port}\":\n    endpoint: [\"http://127.0.0.1:{port}\"]\n  \"localhost:{port}\":\n    endpoint: [\"http://localhost:{port}\"]\nconfigs:\n  \"localhost:{port}\":\n    auth:\n      username: {USER}\n      password: {PASSWORD}\n"
    );
    std::fs::write(data.path().join("registries.yaml"), registries).unwrap();
    let pod_cidr = format!("198.18.{}.0/24", 35 + std::process::id() % 5);
    let c = Cluster::start_in_with_agent(data, &["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let _cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);

    // Push busybox under the registry's name, then forget it locally so pods must pull.
    let socket = c.data_dir().join("agent/containerd/containerd.sock");
    let private = format!("127.0.0.1:{port}/private/busybox:v1");
    let by_name = format!("localhost:{port}/private/busybox:v1");
    ctr(
        &socket,
        &["images", "tag", cri::images::BUSYBOX_IMAGES[0], &private],
    );
    ctr(
        &socket,
        &[
            "images",
            "push",
            "--plain-http",
            "--user",
            &format!("{USER}:{PASSWORD}"),
            &private,
        ],
    );
    ctr(&socket, &["images", "rm", &private]);

    let pod = |name: &str, image: &str, secret: Option<&str>| {
        let mut p = json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "main", "image": image,
                                     "command": ["sleep", "3600"]}]}
        });
        if let Some(s) = secret {
            p["spec"]["imagePullSecrets"] = json!([{"name": s}]);
        }
        p.to_string()
    };

    // --- Without credentials: the pull is refused, the pod waits in back-off.
    c.ok_stdin(&["apply", "-f", "-"], &pod("anonymous", &private, None));
    let reason = eventually(WAIT, || {
        waiting_reason(&c, "anonymous").filter(|r| r == "ErrImagePull" || r == "ImagePullBackOff")
    });
    eprintln!("without credentials: {reason}");
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=anonymous",
    ]);
    assert!(events.contains("Failed to pull image"), "{events}");

    // --- A wrong password does not help either.
    c.ok(&[
        "create",
        "secret",
        "docker-registry",
        "wrong",
        &format!("--docker-server=127.0.0.1:{port}"),
        &format!("--docker-username={USER}"),
        "--docker-password=not-it",
    ]);
    c.ok_stdin(
        &["apply", "-f", "-"],
        &pod("wrong-password", &private, Some("wrong")),
    );
    eventually(WAIT, || {
        waiting_reason(&c, "wrong-password")
            .filter(|r| r == "ErrImagePull" || r == "ImagePullBackOff")
    });

    // --- With the pull secret: Running.
    c.ok(&[
        "create",
        "secret",
        "docker-registry",
        "regcred",
        &format!("--docker-server=127.0.0.1:{port}"),
        &format!("--docker-username={USER}"),
        &format!("--docker-password={PASSWORD}"),
    ]);
    c.ok_stdin(
        &["apply", "-f", "-"],
        &pod("authorized", &private, Some("regcred")),
    );
    wait_ready(&c, "authorized");

    // --- Pull policies, now that the node has the image. `Always` pulls anyway (and fails
    // without credentials); `IfNotPresent` uses it; `Never` refuses an image the node lacks.
    let with_policy = |name: &str, image: &str, policy: &str| {
        let mut p: serde_json::Value = serde_json::from_str(&pod(name, image, None)).unwrap();
        p["spec"]["containers"][0]["imagePullPolicy"] = json!(policy);
        p.to_string()
    };
    c.ok_stdin(
        &["apply", "-f", "-"],
        &with_policy("always", &private, "Always"),
    );
    eventually(WAIT, || {
        waiting_reason(&c, "always").filter(|r| r == "ErrImagePull" || r == "ImagePullBackOff")
    });
    c.ok_stdin(
        &["apply", "-f", "-"],
        &with_policy("if-not-present", &private, "IfNotPresent"),
    );
    wait_ready(&c, "if-not-present");
    let absent = format!("127.0.0.1:{port}/private/absent:v1");
    c.ok_stdin(
        &["apply", "-f", "-"],
        &with_policy("never", &absent, "Never"),
    );
    eventually(WAIT, || {
        waiting_reason(&c, "never").filter(|r| r == "ErrImageNeverPull")
    });
    let described = c.ok(&["describe", "pod", "never"]);
    assert!(
        described.contains("is not present with pull policy of Never"),
        "{described}"
    );

    // --- registries.yaml credentials for the registry's other name, no secret needed.
    c.ok_stdin(&["apply", "-f", "-"], &pod("configured", &by_name, None));
    wait_ready(&c, "configured");
}
