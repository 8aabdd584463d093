//! Air-gapped images: archives dropped into `DATA_DIR/agent/images/` are imported when the
//! node agent starts, run without any registry (also with `imagePullPolicy: Always`: the
//! node's own images are pinned), are skipped on the next start when unchanged, and a broken
//! archive does not keep the node from starting. Real containerd; shares the host
//! network namespace like `agent.rs` (its own pod /24, cleaned up on the way out).

mod common;

use std::time::Duration;

use common::{eventually, list_sandboxes, AgentCleanup, Cluster};
use cri::oci::{build_image, ImageConfig, ImageSpec, LayerBuilder};
use serde_json::json;

const NODE: &str = "rudder-images-e2e";
const WAIT: Duration = Duration::from_secs(90);
const IMAGE: &str = "example.local/tools:1";

/// An image of its own: static busybox as `/bin/busybox`, printing a greeting.
fn tools_archive() -> Vec<u8> {
    let mut layer = LayerBuilder::new();
    layer
        .file("bin/busybox", 0o755, std::fs::read("/bin/busybox").unwrap())
        .unwrap();
    layer.dir("tmp", 0o1777).unwrap();
    let built = build_image(&ImageSpec {
        names: vec![IMAGE.to_string()],
        config: ImageConfig {
            cmd: vec![
                "/bin/busybox".into(),
                "echo".into(),
                "from-a-dropped-archive".into(),
            ],
            ..Default::default()
        },
        layers: vec![layer.build().unwrap()],
        gzip: true,
        created_by: "images e2e".into(),
    })
    .unwrap();
    built.archive
}

#[test]
fn dropped_archives_are_imported_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("agent/images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("tools.tar"), tools_archive()).unwrap();
    std::fs::write(images.join("broken.tar"), b"not an archive").unwrap();
    let pod_cidr = format!("198.18.{}.0/24", 30 + std::process::id() % 5);
    let args = ["--node-name", NODE, "--pod-cidr", &pod_cidr];

    let c = Cluster::start_in_with_agent(dir, &args);
    let cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tools"},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "tools", "image": IMAGE, "imagePullPolicy": "Never"}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &pod.to_string());
    eventually(WAIT, || {
        let p = c.json(&["get", "pod", "tools"]);
        (p["status"]["phase"] == "Succeeded").then_some(())
    });
    assert_eq!(c.ok(&["logs", "tools"]).trim(), "from-a-dropped-archive");
    let log = std::fs::read_to_string(c.data_dir().join("server.log")).unwrap();
    assert!(
        log.contains("tools.tar") && log.contains("Imported"),
        "{log}"
    );
    assert!(
        log.contains("broken.tar") && log.contains("image archive not imported"),
        "{log}"
    );

    // A restart finds the archive unchanged and does not import it again.
    drop(cleanup);
    let dir = c.crash();
    let c = Cluster::start_in_with_agent(dir, &args);
    let _cleanup = AgentCleanup::new(&c, NODE);
    let log = eventually(WAIT, || {
        let log = std::fs::read_to_string(c.data_dir().join("server.log")).unwrap_or_default();
        log.contains("node agent started").then_some(log)
    });
    let line = log.lines().find(|l| l.contains("tools.tar")).unwrap_or("");
    assert!(line.contains("Unchanged"), "{log}");

    // The finished pod does not run again on the restarted node.
    let socket = c.data_dir().join("agent/containerd/containerd.sock");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        c.json(&["get", "pod", "tools"])["status"]["phase"],
        "Succeeded"
    );
    // (Its sandbox was removed before the restart; none may have been made for it since.)
    let sandboxes = list_sandboxes(&socket);
    assert!(sandboxes.is_empty(), "{sandboxes:?}");

    // The node's own images are pinned: `imagePullPolicy: Always` does not send the agent to a
    // registry (there is none for example.local) for an image an archive brought, also after
    // the restart.
    let always = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tools-always"},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "tools", "image": IMAGE, "imagePullPolicy": "Always"}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &always.to_string());
    eventually(WAIT, || {
        let p = c.json(&["get", "pod", "tools-always"]);
        (p["status"]["phase"] == "Succeeded").then_some(())
    });
    assert_eq!(
        c.ok(&["logs", "tools-always"]).trim(),
        "from-a-dropped-archive"
    );
}
