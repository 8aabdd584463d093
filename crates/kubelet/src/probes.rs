//! Container probes: `exec` (CRI ExecSync), `httpGet` (HTTP/1.1 GET, 200–399 is success),
//! `tcpSocket` (a connection) and `grpc` (the standard health service), with upstream's defaults (period 10 s, timeout 1 s, failure
//! threshold 3, success threshold 1).

use std::time::Duration;

use cri::RuntimeClient;
use k8s_openapi::api::core::v1::{Container, LifecycleHandler, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// Where a probe stands.
#[derive(Debug, Default, Clone)]
pub struct ProbeState {
    pub successes: u32,
    pub failures: u32,
    pub last_run: Option<Instant>,
    /// Readiness: the last verdict (false until the first success).
    pub ok: bool,
}

/// The outcome of a probe run that changed the probe's verdict.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing to do now (not due, or no threshold crossed).
    Unchanged,
    /// The probe crossed its success threshold.
    Passed,
    /// The probe crossed its failure threshold; the message says why.
    Failed(String),
}

fn period(p: &Probe) -> Duration {
    Duration::from_secs(p.period_seconds.unwrap_or(10).max(1) as u64)
}

fn timeout(p: &Probe) -> Duration {
    Duration::from_secs(p.timeout_seconds.unwrap_or(1).max(1) as u64)
}

/// Whether the probe is due: past its initial delay since `running_since`, and a period after
/// its last run.
pub fn due(p: &Probe, state: &ProbeState, running_since: Instant, now: Instant) -> bool {
    let delay = Duration::from_secs(p.initial_delay_seconds.unwrap_or(0).max(0) as u64);
    now.duration_since(running_since) >= delay
        && state
            .last_run
            .is_none_or(|t| now.duration_since(t) >= period(p))
}

/// Runs the probe once and folds the result into `state`.
pub async fn run(
    p: &Probe,
    state: &mut ProbeState,
    runtime: &RuntimeClient,
    container_id: &str,
    container: &Container,
    pod_ip: Option<&str>,
) -> Verdict {
    state.last_run = Some(Instant::now());
    let result = check(p, runtime, container_id, container, pod_ip).await;
    match result {
        Ok(()) => {
            state.failures = 0;
            state.successes += 1;
            if !state.ok && state.successes >= p.success_threshold.unwrap_or(1).max(1) as u32 {
                state.ok = true;
                return Verdict::Passed;
            }
            Verdict::Unchanged
        }
        Err(why) => {
            state.successes = 0;
            state.failures += 1;
            if state.failures >= p.failure_threshold.unwrap_or(3).max(1) as u32 {
                state.ok = false;
                state.failures = 0;
                return Verdict::Failed(why);
            }
            Verdict::Unchanged
        }
    }
}

/// Runs a lifecycle hook (postStart, preStop): exec, httpGet, tcpSocket or sleep, given at
/// most `limit`.
pub async fn run_hook(
    h: &LifecycleHandler,
    runtime: &RuntimeClient,
    container_id: &str,
    container: &Container,
    pod_ip: Option<&str>,
    limit: Duration,
) -> Result<(), String> {
    if let Some(sleep) = &h.sleep {
        let wanted = Duration::from_secs(sleep.seconds.max(0) as u64);
        tokio::time::sleep(wanted.min(limit)).await;
        return Ok(());
    }
    let as_probe = Probe {
        exec: h.exec.clone(),
        http_get: h.http_get.clone(),
        tcp_socket: h.tcp_socket.clone(),
        timeout_seconds: Some(i32::try_from(limit.as_secs().max(1)).unwrap_or(i32::MAX)),
        ..Default::default()
    };
    check(&as_probe, runtime, container_id, container, pod_ip).await
}

/// A named or numbered port of the container.
fn port(container: &Container, port: &IntOrString) -> Result<u16, String> {
    match port {
        IntOrString::Int(n) => u16::try_from(*n).map_err(|_| format!("invalid port {n}")),
        IntOrString::String(name) => container
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .and_then(|p| u16::try_from(p.container_port).ok())
            .ok_or_else(|| format!("couldn't find port {name:?} in container")),
    }
}

async fn check(
    p: &Probe,
    runtime: &RuntimeClient,
    container_id: &str,
    container: &Container,
    pod_ip: Option<&str>,
) -> Result<(), String> {
    let limit = timeout(p);
    if let Some(exec) = &p.exec {
        let cmd = exec.command.clone().unwrap_or_default();
        let out = runtime
            .exec_sync(container_id, cmd, Some(limit))
            .await
            .map_err(|e| e.to_string())?;
        if out.exit_code == 0 {
            return Ok(());
        }
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        return Err(if text.trim().is_empty() {
            format!(
                "command {:?} exited with {}",
                exec.command.clone().unwrap_or_default(),
                out.exit_code
            )
        } else {
            text.trim_end().to_string()
        });
    }
    if let Some(tcp) = &p.tcp_socket {
        let host = tcp
            .host
            .clone()
            .or(pod_ip.map(str::to_string))
            .ok_or("the pod has no IP")?;
        let port = port(container, &tcp.port)?;
        return match tokio::time::timeout(
            limit,
            tokio::net::TcpStream::connect((host.as_str(), port)),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(format!("dial tcp {host}:{port}: connect: {e}")),
            Err(_) => Err(format!("dial tcp {host}:{port}: i/o timeout")),
        };
    }
    if let Some(http) = &p.http_get {
        if http.scheme.as_deref().unwrap_or("HTTP") != "HTTP" {
            return Err("HTTPS probes are not supported".into());
        }
        let host = http
            .host
            .clone()
            .or(pod_ip.map(str::to_string))
            .ok_or("the pod has no IP")?;
        let port = port(container, &http.port)?;
        let path = http
            .path
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".into());
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let url = format!("http://{host}:{port}{path}");
        let mut headers = String::new();
        for h in http.http_headers.iter().flatten() {
            if !h.name.contains(['\r', '\n', ':']) && !h.value.contains(['\r', '\n']) {
                headers.push_str(&format!("{}: {}\r\n", h.name, h.value));
            }
        }
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: kube-probe/1.32\r\nAccept: */*\r\n{headers}Connection: close\r\n\r\n"
        );
        let exchange = async {
            let mut s = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
            s.write_all(request.as_bytes()).await?;
            let mut buf = vec![0u8; 1024];
            let mut got = 0;
            while got < buf.len() {
                let n = s.read(&mut buf[got..]).await?;
                if n == 0 || buf[..got + n].windows(2).any(|w| w == b"\r\n") {
                    got += n;
                    break;
                }
                got += n;
            }
            Ok::<_, std::io::Error>(String::from_utf8_lossy(&buf[..got]).into_owned())
        };
        let reply = match tokio::time::timeout(limit, exchange).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Err(format!("Get \"{url}\": dial tcp {host}:{port}: connect: {e}")),
            Err(_) => {
                return Err(format!(
                    "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                ))
            }
        };
        let code: u16 = reply
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("Get \"{url}\": malformed HTTP response"))?;
        return if (200..400).contains(&code) {
            Ok(())
        } else {
            Err(format!("HTTP probe failed with statuscode: {code}"))
        };
    }
    if let Some(g) = &p.grpc {
        let host = pod_ip.ok_or("the pod has no IP")?;
        let port = u16::try_from(g.port).map_err(|_| format!("invalid port {}", g.port))?;
        return grpc_check(host, port, g.service.clone().unwrap_or_default(), limit).await;
    }
    Ok(())
}

/// The standard gRPC health check (`grpc.health.v1.Health/Check`); SERVING passes. Messages
/// as upstream's.
async fn grpc_check(host: &str, port: u16, service: String, limit: Duration) -> Result<(), String> {
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};
    let secs = limit.as_secs();
    let target = format!("{host}:{port}");
    let endpoint = tonic::transport::Endpoint::from_shared(format!("http://{target}"))
        .map_err(|e| format!("error: health rpc probe failed: {e}"))?
        .connect_timeout(limit)
        .timeout(limit);
    let channel = match tokio::time::timeout(limit, endpoint.connect()).await {
        Ok(Ok(channel)) => channel,
        _ => {
            return Err(format!(
                "timeout: failed to connect service \"{target}\" within {secs}s"
            ))
        }
    };
    let mut client = HealthClient::new(channel);
    let call = client.check(HealthCheckRequest { service });
    match tokio::time::timeout(limit, call).await {
        Ok(Ok(reply)) => {
            let status = reply.into_inner().status();
            if status == ServingStatus::Serving {
                Ok(())
            } else {
                Err(format!(
                    "service unhealthy (responded with \"{}\")",
                    status.as_str_name()
                ))
            }
        }
        Ok(Err(status)) if status.code() == tonic::Code::DeadlineExceeded => Err(format!(
            "timeout: health rpc did not complete within {secs}s"
        )),
        Ok(Err(status)) => Err(format!(
            "error: health rpc probe failed: rpc error: code = {:?} desc = {}",
            status.code(),
            status.message()
        )),
        Err(_) => Err(format!(
            "timeout: health rpc did not complete within {secs}s"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(v: serde_json::Value) -> Probe {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn due_after_delay_then_every_period() {
        let p = probe(serde_json::json!({"initialDelaySeconds": 2, "periodSeconds": 5}));
        let start = Instant::now();
        let mut s = ProbeState::default();
        assert!(!due(&p, &s, start, start + Duration::from_secs(1)));
        assert!(due(&p, &s, start, start + Duration::from_secs(2)));
        s.last_run = Some(start + Duration::from_secs(2));
        assert!(!due(&p, &s, start, start + Duration::from_secs(6)));
        assert!(due(&p, &s, start, start + Duration::from_secs(7)));
    }

    #[test]
    fn named_ports() {
        let c: Container = serde_json::from_value(serde_json::json!({
            "name": "c", "ports": [{"name": "http", "containerPort": 8080}]
        }))
        .unwrap();
        assert_eq!(port(&c, &IntOrString::String("http".into())), Ok(8080));
        assert_eq!(port(&c, &IntOrString::Int(80)), Ok(80));
        assert!(port(&c, &IntOrString::String("nope".into())).is_err());
    }

    #[tokio::test]
    async fn tcp_and_http_probes_against_a_local_server() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port_no = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            loop {
                let Ok((mut s, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let n = s.read(&mut buf).await.unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..n]).into_owned();
                    let status = if req.starts_with("GET /bad ") {
                        "500 Internal Server Error"
                    } else {
                        "200 OK"
                    };
                    let _ = s
                        .write_all(
                            format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
                        )
                        .await;
                });
            }
        });
        let c: Container = serde_json::from_value(serde_json::json!({"name": "c"})).unwrap();
        let ok = probe(serde_json::json!({"httpGet": {"path": "/healthz", "port": port_no}}));
        let bad = probe(serde_json::json!({"httpGet": {"path": "/bad", "port": port_no}}));
        let tcp = probe(serde_json::json!({"tcpSocket": {"port": port_no}}));
        assert_eq!(http_only(&ok, &c, "127.0.0.1").await, Ok(()));
        assert_eq!(
            http_only(&bad, &c, "127.0.0.1").await,
            Err("HTTP probe failed with statuscode: 500".into())
        );
        assert_eq!(http_only(&tcp, &c, "127.0.0.1").await, Ok(()));
        // Nothing listens on port 1 of loopback.
        let closed = probe(serde_json::json!({"tcpSocket": {"port": 1}}));
        assert!(http_only(&closed, &c, "127.0.0.1").await.is_err());
    }

    #[tokio::test]
    async fn grpc_probes_ask_the_standard_health_service() {
        let (reporter, service) = tonic_health::server::health_reporter();
        reporter
            .set_service_status("ready", tonic_health::ServingStatus::Serving)
            .await;
        reporter
            .set_service_status("draining", tonic_health::ServingStatus::NotServing)
            .await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port_no = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let service = service.clone();
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(tcp);
                    let svc = hyper_util::service::TowerToHyperService::new(service);
                    let _ = hyper::server::conn::http2::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .serve_connection(io, svc)
                    .await;
                });
            }
        });
        let c: Container = serde_json::from_value(serde_json::json!({"name": "c"})).unwrap();
        let grpc = |service: &str| {
            probe(serde_json::json!({"grpc": {"port": port_no, "service": service}}))
        };
        assert_eq!(http_only(&grpc("ready"), &c, "127.0.0.1").await, Ok(()));
        // The empty service name is the server as a whole, which the reporter marks serving.
        assert_eq!(http_only(&grpc(""), &c, "127.0.0.1").await, Ok(()));
        assert_eq!(
            http_only(&grpc("draining"), &c, "127.0.0.1").await,
            Err("service unhealthy (responded with \"NOT_SERVING\")".into())
        );
        let unknown = http_only(&grpc("nope"), &c, "127.0.0.1").await.unwrap_err();
        assert!(unknown.contains("NotFound"), "{unknown}");
        let closed = probe(serde_json::json!({"grpc": {"port": 1}}));
        let err = http_only(&closed, &c, "127.0.0.1").await.unwrap_err();
        assert!(
            err.starts_with("timeout: failed to connect service"),
            "{err}"
        );
    }

    async fn http_only(p: &Probe, c: &Container, ip: &str) -> Result<(), String> {
        assert!(p.exec.is_none());
        // The exec branch is not taken, so a client that never connects will do.
        let channel = tonic::transport::Endpoint::from_static("http://[::]:1").connect_lazy();
        let rt = cri::RuntimeClient::from_channel(channel);
        check(p, &rt, "unused", c, Some(ip)).await
    }
}
