//! Service-account tokens: JWTs (ES256) that the API server issues through the
//! `serviceaccounts/token` subresource (TokenRequest) and accepts as bearer tokens.
//!
//! A token names its service account and, when bound, the pod it was issued for; it is only
//! accepted while it has not expired and the service account (and pod) with those UIDs
//! still exist, so deleting either revokes it.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED,
    ECDSA_P256_SHA256_FIXED_SIGNING,
};
use serde_json::{json, Value};

/// Who issues the tokens (the `iss` claim), as upstream's default.
pub const ISSUER: &str = "https://kubernetes.default.svc.cluster.local";

/// Signs and verifies service-account tokens with a key kept under the data dir.
pub struct TokenIssuer {
    key: EcdsaKeyPair,
    public: Vec<u8>,
    rng: SystemRandom,
}

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub namespace: String,
    pub service_account: String,
    pub service_account_uid: String,
    /// The pod the token is bound to: (name, uid).
    pub pod: Option<(String, String)>,
    pub audiences: Vec<String>,
    pub expires: i64,
}

fn err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TokenIssuer {
    /// Loads the signing key from `tls_dir/service-account.key` (PKCS#8 PEM), creating it on
    /// first start.
    pub fn load_or_create(tls_dir: &Path) -> std::io::Result<TokenIssuer> {
        let path = tls_dir.join("service-account.key");
        let pem = match std::fs::read_to_string(&path) {
            Ok(pem) => pem,
            Err(_) => {
                let pair = rcgen::KeyPair::generate().map_err(err)?;
                let pem = pair.serialize_pem();
                crate::pki::write_private(&path, &pem)?;
                pem
            }
        };
        let der = rustls_pemfile::private_key(&mut pem.as_bytes())?
            .ok_or_else(|| err("no key in service-account.key"))?;
        let rng = SystemRandom::new();
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.secret_der(), &rng)
                .map_err(err)?;
        let public = key.public_key().as_ref().to_vec();
        Ok(TokenIssuer { key, public, rng })
    }

    /// Issues a token for `claims`, valid from `now` (Unix seconds) until `claims.expires`.
    pub fn issue(&self, claims: &Claims, now: i64) -> Result<String, String> {
        let mut k8s = json!({
            "namespace": claims.namespace,
            "serviceaccount": {"name": claims.service_account, "uid": claims.service_account_uid},
        });
        if let Some((name, uid)) = &claims.pod {
            k8s["pod"] = json!({"name": name, "uid": uid});
        }
        let payload = json!({
            "aud": claims.audiences,
            "exp": claims.expires,
            "iat": now,
            "nbf": now,
            "iss": ISSUER,
            "sub": format!("system:serviceaccount:{}:{}", claims.namespace, claims.service_account),
            "kubernetes.io": k8s,
        });
        let header = json!({"alg": "ES256", "typ": "JWT"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature = self
            .key
            .sign(&self.rng, signing_input.as_bytes())
            .map_err(|_| "signing the token failed".to_string())?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }

    /// Checks a token's signature, issuer and expiry at `now`; returns its claims.
    pub fn verify(&self, token: &str, now: i64) -> Option<Claims> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header["alg"] != "ES256" {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed = &token[..token.len() - token.rsplit('.').next()?.len() - 1];
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &self.public)
            .verify(signed.as_bytes(), &signature)
            .ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let expires = claims["exp"].as_i64()?;
        let not_before = claims["nbf"].as_i64().unwrap_or(0);
        if claims["iss"] != ISSUER || now >= expires || now + 60 < not_before {
            return None;
        }
        let k8s = &claims["kubernetes.io"];
        let text = |v: &Value| v.as_str().map(str::to_string);
        let pod = match (text(&k8s["pod"]["name"]), text(&k8s["pod"]["uid"])) {
            (Some(n), Some(u)) => Some((n, u)),
            _ => None,
        };
        let audiences = match &claims["aud"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().filter_map(text).collect(),
            _ => Vec::new(),
        };
        Some(Claims {
            namespace: text(&k8s["namespace"])?,
            service_account: text(&k8s["serviceaccount"]["name"])?,
            service_account_uid: text(&k8s["serviceaccount"]["uid"])?,
            pod,
            audiences,
            expires,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(expires: i64) -> Claims {
        Claims {
            namespace: "default".into(),
            service_account: "default".into(),
            service_account_uid: "sa-uid".into(),
            pod: Some(("web".into(), "pod-uid".into())),
            audiences: vec![ISSUER.into()],
            expires,
        }
    }

    #[test]
    fn tokens_verify_until_they_expire_and_only_with_our_key() {
        let dir = tempfile::tempdir().unwrap();
        let issuer = TokenIssuer::load_or_create(dir.path()).unwrap();
        let token = issuer.issue(&claims(2000), 1000).unwrap();
        assert_eq!(issuer.verify(&token, 1500), Some(claims(2000)));
        assert_eq!(issuer.verify(&token, 2000), None, "expired");
        // The key survives a restart; another key does not accept the token.
        let again = TokenIssuer::load_or_create(dir.path()).unwrap();
        assert!(again.verify(&token, 1500).is_some());
        let other = TokenIssuer::load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        assert_eq!(other.verify(&token, 1500), None);
        // Tampering with the payload breaks the signature.
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        let forged = json!({"iss": ISSUER, "exp": 9999, "kubernetes.io": {"namespace": "kube-system",
            "serviceaccount": {"name": "admin", "uid": "x"}}});
        parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
        assert_eq!(issuer.verify(&parts.join("."), 1500), None);
        assert_eq!(issuer.verify("not.a.jwt", 1500), None);
        assert_eq!(issuer.verify("", 1500), None);
    }
}
