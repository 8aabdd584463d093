//! The environment variables that describe Services to a container, as kubelet sets them:
//! `{NAME}_SERVICE_HOST`, `{NAME}_SERVICE_PORT(_{PORT NAME})` and the Docker-link style
//! `{NAME}_PORT…` variables. The `kubernetes` Service of `default` is always described (it is
//! how in-cluster clients find the API server); the pod's own namespace's Services only with
//! `enableServiceLinks` (the default).

use k8s_openapi::api::core::v1::Service;

/// `my-svc` → `MY_SVC`.
fn env_name(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// The variables for `services` (headless and IP-less Services are skipped); earlier
/// Services win when two map to the same name.
pub fn service_env(services: &[Service]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |k: String, v: String| {
        if !out.iter().any(|(n, _)| *n == k) {
            out.push((k, v));
        }
    };
    for svc in services {
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        let ip = spec.cluster_ip.clone().unwrap_or_default();
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let ports = spec.ports.as_deref().unwrap_or_default();
        let Some(first) = ports.first() else {
            continue;
        };
        let name = env_name(&svc.metadata.name.clone().unwrap_or_default());
        push(format!("{name}_SERVICE_HOST"), ip.clone());
        push(format!("{name}_SERVICE_PORT"), first.port.to_string());
        for p in ports {
            if let Some(port_name) = p.name.as_deref().filter(|n| !n.is_empty()) {
                push(
                    format!("{name}_SERVICE_PORT_{}", env_name(port_name)),
                    p.port.to_string(),
                );
            }
        }
        let proto = |p: &k8s_openapi::api::core::v1::ServicePort| {
            p.protocol.clone().unwrap_or_else(|| "TCP".into())
        };
        push(
            format!("{name}_PORT"),
            format!(
                "{}://{ip}:{}",
                proto(first).to_ascii_lowercase(),
                first.port
            ),
        );
        for p in ports {
            let protocol = proto(p);
            let prefix = format!("{name}_PORT_{}_{}", p.port, protocol.to_ascii_uppercase());
            let lower = protocol.to_ascii_lowercase();
            push(prefix.clone(), format!("{lower}://{ip}:{}", p.port));
            push(format!("{prefix}_PROTO"), lower);
            push(format!("{prefix}_PORT"), p.port.to_string());
            push(format!("{prefix}_ADDR"), ip.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(name: &str, ip: &str, ports: serde_json::Value) -> Service {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "spec": {"clusterIP": ip, "ports": ports},
        }))
        .unwrap()
    }

    #[test]
    fn variables_follow_kubelets_naming() {
        let services = [
            svc(
                "kubernetes",
                "198.19.0.1",
                serde_json::json!([{"name": "https", "port": 443}]),
            ),
            svc(
                "my-db",
                "198.19.0.20",
                serde_json::json!([
                {"name": "pg-main", "port": 5432, "protocol": "TCP"},
                {"port": 53, "protocol": "UDP"}]),
            ),
            svc("headless", "None", serde_json::json!([{"port": 80}])),
        ];
        let env = service_env(&services);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("KUBERNETES_SERVICE_HOST"), Some("198.19.0.1"));
        assert_eq!(get("KUBERNETES_SERVICE_PORT"), Some("443"));
        assert_eq!(get("KUBERNETES_SERVICE_PORT_HTTPS"), Some("443"));
        assert_eq!(get("KUBERNETES_PORT"), Some("tcp://198.19.0.1:443"));
        assert_eq!(get("KUBERNETES_PORT_443_TCP_ADDR"), Some("198.19.0.1"));
        assert_eq!(get("MY_DB_SERVICE_PORT_PG_MAIN"), Some("5432"));
        assert_eq!(get("MY_DB_PORT_53_UDP"), Some("udp://198.19.0.20:53"));
        assert_eq!(get("MY_DB_PORT_53_UDP_PROTO"), Some("udp"));
        assert!(get("HEADLESS_SERVICE_HOST").is_none());
    }
}
