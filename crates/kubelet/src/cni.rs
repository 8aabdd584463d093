//! The CNI network of the node's pods: a Linux bridge (named per node) that is the pods'
//! gateway, host-local address management on the node's pod CIDR (state under the agent's data
//! dir), and portmap for `hostPort`. containerd adds the loopback interface itself.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The file name containerd reads (the lexically first `.conflist` in the directory wins).
pub const CONFLIST_NAME: &str = "10-rudder.conflist";

/// The bridge device of a node: `rb` + 8 hex digits of a hash of the node name and data dir
/// (Linux interface names are at most 15 bytes).
pub fn bridge_name(node: &str, data_dir: &Path) -> String {
    // FNV-1a: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in node
        .bytes()
        .chain([0])
        .chain(data_dir.to_string_lossy().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("rb{:08x}", (h >> 32) as u32)
}

/// The network configuration list for `pod_cidr`.
pub fn conflist(bridge: &str, pod_cidr: &str, ipam_dir: &Path) -> Value {
    json!({
        "cniVersion": "0.4.0",
        "name": "rudder",
        "plugins": [
            {
                "type": "bridge",
                "bridge": bridge,
                "isGateway": true,
                "ipMasq": false,
                "hairpinMode": true,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": pod_cidr}]],
                    "routes": [{"dst": "0.0.0.0/0"}],
                    "dataDir": ipam_dir.to_string_lossy(),
                }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}, "snat": false}
        ]
    })
}

/// Writes the configuration into `conf_dir` (atomically, via a rename) unless it already holds
/// exactly this text. Returns the file's path.
pub fn write(conf_dir: &Path, config: &Value) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(conf_dir)?;
    let path = conf_dir.join(CONFLIST_NAME);
    let text = serde_json::to_string_pretty(config).unwrap_or_default();
    if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
        return Ok(path);
    }
    let tmp = conf_dir.join(format!(".{CONFLIST_NAME}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridge_names_fit_and_differ() {
        let a = bridge_name("node-a", Path::new("/var/lib/rudder/agent"));
        let b = bridge_name("node-b", Path::new("/var/lib/rudder/agent"));
        assert!(a.len() <= 15 && a.starts_with("rb"));
        assert_ne!(a, b);
        assert_eq!(a, bridge_name("node-a", Path::new("/var/lib/rudder/agent")));
    }

    #[test]
    fn conflist_is_bridge_host_local_portmap() {
        let c = conflist("rb1", "198.18.3.0/24", Path::new("/d/ipam"));
        assert_eq!(c["plugins"][0]["type"], "bridge");
        assert_eq!(c["plugins"][0]["isGateway"], true);
        assert_eq!(c["plugins"][0]["ipMasq"], false);
        assert_eq!(
            c["plugins"][0]["ipam"]["ranges"][0][0]["subnet"],
            "198.18.3.0/24"
        );
        assert_eq!(c["plugins"][1]["type"], "portmap");
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), &c).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
