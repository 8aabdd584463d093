//! `imagePullPolicy`: whether a container's image is used as it is, pulled, or refused.
//!
//! As kubelet: `Never` uses only what the node has, `IfNotPresent` pulls what it lacks, and
//! `Always` pulls every time. One exception: images the node provides itself (the built-in
//! pause and busybox images and archives dropped into `DATA_DIR/agent/images/`) count as
//! pinned and are never replaced from a registry, so air-gapped nodes run `busybox:latest`.

/// What to do about a container's image before creating the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageAction {
    /// Use the image the runtime has.
    UsePresent,
    /// Pull it (with the pod's and the node's credentials).
    Pull,
    /// The policy is `Never` and the runtime lacks the image: `ErrImageNeverPull`.
    NeverPull,
}

/// The policy the API server would have defaulted: `Always` for `:latest` or no tag,
/// `IfNotPresent` otherwise.
pub fn default_policy(image: &str) -> &'static str {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.split_once(':') {
        _ if image.contains('@') => "IfNotPresent",
        None => "Always",
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
    }
}

/// The action for `image` under `policy` (None: the default), given whether the runtime has it
/// and whether the node provides it itself.
pub fn image_action(
    policy: Option<&str>,
    image: &str,
    present: bool,
    node_provided: bool,
) -> ImageAction {
    match policy.unwrap_or_else(|| default_policy(image)) {
        "Never" if present => ImageAction::UsePresent,
        "Never" => ImageAction::NeverPull,
        "Always" if present && node_provided => ImageAction::UsePresent,
        "Always" => ImageAction::Pull,
        _ if present => ImageAction::UsePresent,
        _ => ImageAction::Pull,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_tag() {
        assert_eq!(default_policy("busybox"), "Always");
        assert_eq!(default_policy("busybox:latest"), "Always");
        assert_eq!(default_policy("busybox:1.36"), "IfNotPresent");
        assert_eq!(default_policy("127.0.0.1:5000/app"), "Always");
        assert_eq!(default_policy("127.0.0.1:5000/app:v1"), "IfNotPresent");
        assert_eq!(default_policy("app@sha256:abcd"), "IfNotPresent");
    }

    #[test]
    fn never_uses_only_what_is_there() {
        assert_eq!(
            image_action(Some("Never"), "app:v1", true, false),
            ImageAction::UsePresent
        );
        assert_eq!(
            image_action(Some("Never"), "app:v1", false, false),
            ImageAction::NeverPull
        );
    }

    #[test]
    fn if_not_present_pulls_only_what_is_missing() {
        assert_eq!(
            image_action(Some("IfNotPresent"), "app:v1", true, false),
            ImageAction::UsePresent
        );
        assert_eq!(
            image_action(Some("IfNotPresent"), "app:v1", false, false),
            ImageAction::Pull
        );
    }

    #[test]
    fn always_pulls_unless_the_node_provides_the_image() {
        assert_eq!(
            image_action(Some("Always"), "app:v1", true, false),
            ImageAction::Pull
        );
        assert_eq!(
            image_action(Some("Always"), "busybox", true, true),
            ImageAction::UsePresent
        );
        // Provided once but removed since: pulled like any other.
        assert_eq!(
            image_action(Some("Always"), "busybox", false, true),
            ImageAction::Pull
        );
        assert_eq!(
            image_action(None, "busybox", true, false),
            ImageAction::Pull
        );
        assert_eq!(
            image_action(None, "busybox:1.36", true, false),
            ImageAction::UsePresent
        );
    }
}
