//! The cluster PKI: a CA, a serving certificate and an admin client certificate, generated on
//! first start under `DATA_DIR/tls`, and the admin kubeconfig that uses them.

use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};

/// PEM files of the cluster PKI.
pub struct Pki {
    pub dir: PathBuf,
    pub ca_cert: String,
    pub server_cert: String,
    pub server_key: String,
    pub admin_cert: String,
    pub admin_key: String,
}

pub(crate) fn validity(params: &mut CertificateParams, years: i32) {
    use chrono::Datelike;
    let now = chrono::Utc::now();
    params.not_before = rcgen::date_time_ymd(now.year() - 1, 1, 1);
    params.not_after = rcgen::date_time_ymd(now.year() + years, 1, 1);
}

pub(crate) fn dn(cn: &str, org: Option<&str>) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, cn);
    if let Some(o) = org {
        d.push(DnType::OrganizationName, o);
    }
    d
}

/// The CA's parameters. Signing with the CA key under these (same subject) issues
/// certificates that verify against the stored CA certificate.
pub(crate) fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = dn("rudder-ca", None);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    validity(&mut params, 10);
    params
}

pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    fs::rename(tmp, path)
}

fn err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// What a certificate issued by [`sign`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Client,
    Server,
}

/// Issues a certificate for `cn` (organization `org`, subject alternative names `sans`:
/// IP addresses or DNS names) signed by the CA whose key is in `tls_dir/ca.key`.
/// Returns the certificate and its new key as PEM.
pub fn sign(
    tls_dir: &Path,
    cn: &str,
    org: Option<&str>,
    usage: Usage,
    sans: &[String],
    years: i32,
) -> std::io::Result<(String, String)> {
    let ca_key = KeyPair::from_pem(&fs::read_to_string(tls_dir.join("ca.key"))?).map_err(err)?;
    let ca = ca_params().self_signed(&ca_key).map_err(err)?;
    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(cn, org);
    params.extended_key_usages = vec![match usage {
        Usage::Client => ExtendedKeyUsagePurpose::ClientAuth,
        Usage::Server => ExtendedKeyUsagePurpose::ServerAuth,
    }];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.subject_alt_names = san_types(sans);
    validity(&mut params, years);
    let cert = params.signed_by(&key, &ca, &ca_key).map_err(err)?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn san_types(sans: &[String]) -> Vec<SanType> {
    sans.iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| match s.parse::<IpAddr>() {
            Ok(ip) => Some(SanType::IpAddress(ip)),
            Err(_) => s.clone().try_into().ok().map(SanType::DnsName),
        })
        .collect()
}

/// The common name of the API server's client certificate towards node agents; agents
/// accept streaming requests from it alone.
pub const KUBELET_CLIENT_CN: &str = "kube-apiserver-kubelet-client";

impl Pki {
    /// The API server's client certificate and key for node agents (`kubelet-client.crt`),
    /// issued on first use.
    pub fn kubelet_client(&self) -> std::io::Result<(String, String)> {
        let (cert, key) = (
            self.dir.join("kubelet-client.crt"),
            self.dir.join("kubelet-client.key"),
        );
        if let (Ok(c), Ok(k)) = (fs::read_to_string(&cert), fs::read_to_string(&key)) {
            return Ok((c, k));
        }
        let (c, k) = sign(
            &self.dir,
            KUBELET_CLIENT_CN,
            Some("system:masters"),
            Usage::Client,
            &[],
            5,
        )?;
        write_private(&key, &k)?;
        write_private(&cert, &c)?;
        Ok((c, k))
    }

    /// Loads the PKI from `dir`, generating it first if absent. `hosts` are the serving
    /// certificate's names and addresses besides localhost and the service names.
    pub fn load_or_create(dir: &Path, hosts: &[String]) -> std::io::Result<Pki> {
        let names = [
            "ca.crt",
            "server.crt",
            "server.key",
            "admin.crt",
            "admin.key",
        ];
        if !names.iter().all(|n| dir.join(n).exists()) {
            Self::generate(dir, hosts)?;
        }
        let read = |n: &str| fs::read_to_string(dir.join(n));
        Ok(Pki {
            dir: dir.to_path_buf(),
            ca_cert: read("ca.crt")?,
            server_cert: read("server.crt")?,
            server_key: read("server.key")?,
            admin_cert: read("admin.crt")?,
            admin_key: read("admin.key")?,
        })
    }

    fn generate(dir: &Path, hosts: &[String]) -> std::io::Result<()> {
        fs::create_dir_all(dir)?;
        let ca_key = KeyPair::generate().map_err(err)?;
        let ca = ca_params().self_signed(&ca_key).map_err(err)?;

        let server_key = KeyPair::generate().map_err(err)?;
        let mut server_params = CertificateParams::default();
        server_params.distinguished_name = dn("kube-apiserver", None);
        let mut sans: Vec<String> = vec![
            "localhost".into(),
            "kubernetes".into(),
            "kubernetes.default".into(),
            "kubernetes.default.svc".into(),
            "kubernetes.default.svc.cluster.local".into(),
            "127.0.0.1".into(),
            "::1".into(),
        ];
        sans.extend(hosts.iter().cloned());
        if let Ok(h) = fs::read_to_string("/etc/hostname") {
            sans.push(h.trim().to_string());
        }
        sans.sort();
        sans.dedup();
        server_params.subject_alt_names = san_types(&sans);
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        validity(&mut server_params, 5);
        let server = server_params
            .signed_by(&server_key, &ca, &ca_key)
            .map_err(err)?;

        let admin_key = KeyPair::generate().map_err(err)?;
        let mut admin_params = CertificateParams::default();
        admin_params.distinguished_name = dn("admin", Some("system:masters"));
        admin_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        admin_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        validity(&mut admin_params, 5);
        let admin = admin_params
            .signed_by(&admin_key, &ca, &ca_key)
            .map_err(err)?;

        write_private(&dir.join("ca.key"), &ca_key.serialize_pem())?;
        write_private(&dir.join("server.key"), &server_key.serialize_pem())?;
        write_private(&dir.join("admin.key"), &admin_key.serialize_pem())?;
        write_private(&dir.join("server.crt"), &server.pem())?;
        write_private(&dir.join("admin.crt"), &admin.pem())?;
        // The CA certificate last: its presence marks a complete PKI.
        write_private(&dir.join("ca.crt"), &ca.pem())
    }

    /// An admin kubeconfig for `server` (an https URL).
    pub fn admin_kubeconfig(&self, server: &str) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: {server}\n  name: rudder\ncontexts:\n- context:\n    cluster: rudder\n    user: admin\n  name: rudder\ncurrent-context: rudder\npreferences: {{}}\nusers:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
            b64(&self.ca_cert),
            b64(&self.admin_cert),
            b64(&self.admin_key)
        )
    }

    pub fn write_kubeconfig(&self, path: &Path, server: &str) -> std::io::Result<()> {
        write_private(path, &self.admin_kubeconfig(server))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let a = Pki::load_or_create(dir.path(), &["10.0.0.1".into()]).unwrap();
        let b = Pki::load_or_create(dir.path(), &[]).unwrap();
        assert_eq!(a.ca_cert, b.ca_cert);
        assert!(a.admin_cert.contains("BEGIN CERTIFICATE"));
        let kc = a.admin_kubeconfig("https://127.0.0.1:6443");
        assert!(kc.contains("server: https://127.0.0.1:6443"));
        let mode = std::fs::metadata(dir.path().join("admin.key")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.permissions().mode() & 0o777, 0o600);
    }
}
