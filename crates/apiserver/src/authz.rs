//! Authorization decisions, in one place, so the answer `kubectl auth can-i` prints is the
//! answer the caller's requests get.
//!
//! RBAC objects are stored but not enforced yet: every authenticated identity may do
//! everything, and anonymous identities nothing. The policy depends only on who asks; when
//! RBAC arrives, the request's attributes join the arguments here.

use serde_json::{json, Value};

/// Who a check is about: the caller, or the user named in a SubjectAccessReview.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub user: &'a str,
    pub groups: &'a [String],
}

/// The answer to "may this subject do this?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: &'static str,
}

const ANONYMOUS: &str = "system:anonymous";
const UNAUTHENTICATED: &str = "system:unauthenticated";

fn is_authenticated(s: Subject) -> bool {
    let named = !s.user.is_empty() && s.user != ANONYMOUS;
    let grouped = s.groups.iter().any(|g| g != UNAUTHENTICATED);
    (named || grouped) && !s.groups.iter().any(|g| g == UNAUTHENTICATED)
}

/// Whether `subject` may act, and why.
pub fn authorize(subject: Subject) -> Decision {
    if is_authenticated(subject) {
        Decision {
            allowed: true,
            reason: "every authenticated user is allowed: RBAC is not enforced",
        }
    } else {
        Decision {
            allowed: false,
            reason: "anonymous requests are not allowed",
        }
    }
}

/// What `subject` may do in a namespace, as a SelfSubjectRulesReview's status.
pub fn rules(subject: Subject) -> Value {
    let (resource_rules, non_resource_rules) = if authorize(subject).allowed {
        (
            json!([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]),
            json!([{"verbs": ["*"], "nonResourceURLs": ["*"]}]),
        )
    } else {
        (json!([]), json!([]))
    };
    json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(user: &'a str, groups: &'a [String]) -> Subject<'a> {
        Subject { user, groups }
    }

    #[test]
    fn authenticated_users_and_groups_are_allowed() {
        assert!(authorize(subject("admin", &["system:masters".into()])).allowed);
        assert!(authorize(subject("bob", &[])).allowed);
        assert!(authorize(subject("", &["dev".into()])).allowed);
    }

    #[test]
    fn anonymous_subjects_are_denied() {
        assert!(!authorize(subject("", &[])).allowed);
        assert!(!authorize(subject(ANONYMOUS, &[])).allowed);
        let anonymous_groups = [UNAUTHENTICATED.to_string()];
        assert!(!authorize(subject("", &anonymous_groups)).allowed);
        assert!(!authorize(subject("bob", &anonymous_groups)).allowed);
    }

    #[test]
    fn rules_follow_the_decision() {
        let allowed = rules(subject("bob", &[]));
        assert_eq!(allowed["resourceRules"][0]["verbs"][0], "*");
        assert_eq!(allowed["incomplete"], false);
        let denied = rules(subject(ANONYMOUS, &[]));
        assert_eq!(denied["resourceRules"], json!([]));
        assert_eq!(denied["nonResourceRules"], json!([]));
    }
}
