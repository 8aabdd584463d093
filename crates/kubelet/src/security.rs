//! A container's effective security context (the pod's settings, overridden by the
//! container's) as the CRI takes it, and the `runAsNonRoot` check against the image's user.
//!
//! Seccomp defaults to the runtime's profile (as kubelet's `--seccomp-default`): a pod has to
//! ask for `Unconfined` or be privileged to run without one.

use cri::api;
use k8s_openapi::api::core::v1::{Container, PodSpec, SeccompProfile};

/// The CRI security context of container `c` of pod `spec`.
pub fn container_context(spec: &PodSpec, c: &Container) -> api::LinuxContainerSecurityContext {
    let pod = spec.security_context.clone().unwrap_or_default();
    let ctr = c.security_context.clone().unwrap_or_default();
    let privileged = ctr.privileged.unwrap_or(false);
    let run_as_user = ctr.run_as_user.or(pod.run_as_user);
    let run_as_group = ctr.run_as_group.or(pod.run_as_group);
    let mut groups: Vec<i64> = pod.supplemental_groups.clone().unwrap_or_default();
    if let Some(g) = pod.fs_group {
        groups.push(g);
    }
    groups.sort_unstable();
    groups.dedup();
    let capabilities = ctr.capabilities.as_ref().map(|caps| api::Capability {
        add_capabilities: caps.add.iter().flatten().map(|c| capability(c)).collect(),
        drop_capabilities: caps.drop.iter().flatten().map(|c| capability(c)).collect(),
    });
    let seccomp = ctr
        .seccomp_profile
        .as_ref()
        .or(pod.seccomp_profile.as_ref());
    api::LinuxContainerSecurityContext {
        capabilities,
        privileged,
        run_as_user: run_as_user.map(|value| api::Int64Value { value }),
        run_as_group: run_as_group.map(|value| api::Int64Value { value }),
        readonly_rootfs: ctr.read_only_root_filesystem.unwrap_or(false),
        supplemental_groups: groups,
        // Unset means allowed, as upstream; privileged containers may always escalate.
        no_new_privs: !privileged && ctr.allow_privilege_escalation == Some(false),
        seccomp: Some(seccomp_profile(seccomp, privileged)),
        ..Default::default()
    }
}

/// Upstream takes `NET_ADMIN` and `CAP_NET_ADMIN` alike; the runtime wants the bare name.
fn capability(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map_or(upper.clone(), str::to_string)
}

fn seccomp_profile(p: Option<&SeccompProfile>, privileged: bool) -> api::SecurityProfile {
    use api::security_profile::ProfileType;
    let (kind, path) = match p.map(|p| (p.type_.as_str(), p.localhost_profile.clone())) {
        Some(("Unconfined", _)) => (ProfileType::Unconfined, None),
        Some(("Localhost", path)) => (ProfileType::Localhost, path),
        Some(_) => (ProfileType::RuntimeDefault, None),
        None if privileged => (ProfileType::Unconfined, None),
        None => (ProfileType::RuntimeDefault, None),
    };
    api::SecurityProfile {
        profile_type: kind as i32,
        localhost_ref: path.unwrap_or_default(),
    }
}

/// Whether the container must not run as root (`runAsNonRoot`, container over pod).
pub fn requires_non_root(spec: &PodSpec, c: &Container) -> bool {
    c.security_context
        .as_ref()
        .and_then(|s| s.run_as_non_root)
        .or(spec
            .security_context
            .as_ref()
            .and_then(|s| s.run_as_non_root))
        .unwrap_or(false)
}

/// The `runAsNonRoot` check, with upstream's messages: the effective user is the context's
/// `runAsUser`, else the image's user (`uid`, or a `username` that must be numeric).
pub fn verify_non_root(
    context: &api::LinuxContainerSecurityContext,
    image_uid: Option<i64>,
    image_username: &str,
) -> Result<(), String> {
    if let Some(uid) = &context.run_as_user {
        return if uid.value == 0 {
            Err("container's runAsUser breaks non-root policy".into())
        } else {
            Ok(())
        };
    }
    match (image_uid, image_username) {
        (Some(0), _) => Err("container has runAsNonRoot and image will run as root".into()),
        (Some(_), _) => Ok(()),
        (None, "") | (None, "root") => {
            Err("container has runAsNonRoot and image will run as root".into())
        }
        (None, name) => Err(format!(
            "container has runAsNonRoot and image has non-numeric user ({name}), cannot verify user is non-root"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Capabilities, PodSecurityContext, SecurityContext};

    fn pod(sc: PodSecurityContext) -> PodSpec {
        PodSpec {
            security_context: Some(sc),
            ..Default::default()
        }
    }

    fn container(sc: SecurityContext) -> Container {
        Container {
            name: "c".into(),
            security_context: Some(sc),
            ..Default::default()
        }
    }

    #[test]
    fn container_settings_override_the_pods() {
        let spec = pod(PodSecurityContext {
            run_as_user: Some(1000),
            run_as_group: Some(3000),
            fs_group: Some(2000),
            supplemental_groups: Some(vec![4000, 2000]),
            ..Default::default()
        });
        let c = container(SecurityContext {
            run_as_user: Some(1001),
            read_only_root_filesystem: Some(true),
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                add: Some(vec!["net_admin".into()]),
                drop: Some(vec!["CAP_ALL".into(), "ALL".into()]),
            }),
            ..Default::default()
        });
        let sc = container_context(&spec, &c);
        assert_eq!(sc.run_as_user.unwrap().value, 1001);
        assert_eq!(sc.run_as_group.unwrap().value, 3000);
        assert_eq!(sc.supplemental_groups, vec![2000, 4000]);
        assert!(sc.readonly_rootfs && sc.no_new_privs && !sc.privileged);
        let caps = sc.capabilities.unwrap();
        assert_eq!(caps.add_capabilities, vec!["NET_ADMIN"]);
        assert_eq!(caps.drop_capabilities, vec!["ALL", "ALL"]);
        assert_eq!(
            sc.seccomp.unwrap().profile_type(),
            api::security_profile::ProfileType::RuntimeDefault
        );
    }

    #[test]
    fn seccomp_defaults_to_the_runtime_profile_unless_privileged_or_unconfined() {
        let plain = container_context(&PodSpec::default(), &Container::default());
        assert_eq!(
            plain.seccomp.unwrap().profile_type(),
            api::security_profile::ProfileType::RuntimeDefault
        );
        assert!(!plain.no_new_privs);
        let privileged = container(SecurityContext {
            privileged: Some(true),
            allow_privilege_escalation: Some(false),
            ..Default::default()
        });
        let sc = container_context(&PodSpec::default(), &privileged);
        assert!(sc.privileged && !sc.no_new_privs);
        assert_eq!(
            sc.seccomp.unwrap().profile_type(),
            api::security_profile::ProfileType::Unconfined
        );
        let spec = pod(PodSecurityContext {
            seccomp_profile: Some(SeccompProfile {
                type_: "Unconfined".into(),
                localhost_profile: None,
            }),
            ..Default::default()
        });
        let sc = container_context(&spec, &Container::default());
        assert_eq!(
            sc.seccomp.unwrap().profile_type(),
            api::security_profile::ProfileType::Unconfined
        );
    }

    #[test]
    fn non_root_is_checked_against_the_effective_user() {
        let with_user = |u: Option<i64>| api::LinuxContainerSecurityContext {
            run_as_user: u.map(|value| api::Int64Value { value }),
            ..Default::default()
        };
        assert!(verify_non_root(&with_user(Some(1000)), Some(0), "").is_ok());
        assert!(verify_non_root(&with_user(Some(0)), Some(1000), "")
            .unwrap_err()
            .contains("breaks non-root policy"));
        assert!(verify_non_root(&with_user(None), Some(0), "")
            .unwrap_err()
            .contains("image will run as root"));
        assert!(verify_non_root(&with_user(None), None, "").is_err());
        assert!(verify_non_root(&with_user(None), Some(65534), "").is_ok());
        assert!(verify_non_root(&with_user(None), None, "nobody")
            .unwrap_err()
            .contains("non-numeric user (nobody)"));
        let spec = pod(PodSecurityContext {
            run_as_non_root: Some(true),
            ..Default::default()
        });
        assert!(requires_non_root(&spec, &Container::default()));
        let opt_out = container(SecurityContext {
            run_as_non_root: Some(false),
            ..Default::default()
        });
        assert!(!requires_non_root(&spec, &opt_out));
    }
}
