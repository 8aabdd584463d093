//! The `pods/eviction` subresource: a delete that honours PodDisruptionBudgets, so that
//! `kubectl drain` stops short of taking an application below its budget.

use apimachinery::catalog;
use apimachinery::selectors::LabelSelector;
use serde_json::{json, Value};
use store::StoreError;

use crate::error::{ApiError, ApiResult};
use crate::registry;
use crate::request::{Query, ResourceRequest};
use crate::rest::Reply;
use crate::ApiServer;

const MAX_ATTEMPTS: usize = 5;

/// A pod that is not running (pending, finished or already terminating) may always be evicted.
fn ignores_budgets(pod: &Value) -> bool {
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("");
    apimachinery::meta::is_deleting(pod) || matches!(phase, "Pending" | "Succeeded" | "Failed" | "")
}

fn too_many_requests(message: String, causes: Vec<Value>) -> ApiError {
    let mut e = ApiError::new(429, "TooManyRequests", message);
    e.details = Some(json!({"causes": causes}));
    e
}

impl ApiServer {
    pub(crate) async fn evict(
        &self,
        rr: &ResourceRequest,
        name: &str,
        eviction: Value,
    ) -> ApiResult<Reply> {
        let ns = rr.namespace.clone().unwrap_or_default();
        if let Some(n) = eviction.pointer("/metadata/name").and_then(Value::as_str) {
            if n != name {
                return Err(ApiError::bad_request(format!(
                    "name in URL does not match name in Eviction object: {name} != {n}"
                )));
            }
        }
        let pdb_res =
            catalog::find("policy", "v1", "poddisruptionbudgets").expect("PDBs are served");
        for _ in 0..MAX_ATTEMPTS {
            let (pod, _) = registry::get(&self.store, rr.resource, Some(&ns), name).await?;
            if !ignores_budgets(&pod) {
                let prefix = registry::list_prefix(pdb_res, Some(&ns));
                let list = self.store.list(&prefix, Default::default()).await?;
                let labels = pod.pointer("/metadata/labels").and_then(Value::as_object);
                let mut matching = Vec::new();
                for kv in &list.kvs {
                    let pdb = registry::decode(pdb_res, kv)?;
                    let selects = pdb
                        .pointer("/spec/selector")
                        .and_then(|s| LabelSelector::from_json(s).ok())
                        .is_some_and(|s| !s.is_empty() && s.matches(labels));
                    if selects {
                        matching.push((pdb, kv.mod_revision));
                    }
                }
                if matching.len() > 1 {
                    return Err(ApiError::internal(
                        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                    ));
                }
                if let Some((pdb, rev)) = matching.pop() {
                    match self.charge_budget(pdb_res, &pdb, rev, name).await {
                        Ok(()) => {}
                        Err(e) if e.reason == "Conflict" => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
            let delete_body = eviction
                .get("deleteOptions")
                .filter(|o| o.is_object())
                .map(|o| serde_json::to_vec(o).unwrap_or_default())
                .unwrap_or_default();
            self.delete(rr, name, &Query::default(), &delete_body)
                .await?;
            return Ok((
                201,
                json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
            ));
        }
        Err(too_many_requests(
            "Cannot evict pod: the disruption budget kept changing; try again".into(),
            vec![],
        ))
    }

    /// Spends one allowed disruption of `pdb` on pod `pod_name`, or refuses with 429.
    async fn charge_budget(
        &self,
        res: &'static catalog::Resource,
        pdb: &Value,
        rev: i64,
        pod_name: &str,
    ) -> ApiResult<()> {
        let pdb_name = apimachinery::meta::name(pdb).to_string();
        let generation = pdb
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let observed = pdb
            .pointer("/status/observedGeneration")
            .and_then(Value::as_i64)
            .unwrap_or(-1);
        if observed < generation {
            return Err(too_many_requests(
                "Cannot evict pod as it would violate the pod's disruption budget.".into(),
                vec![
                    json!({"reason": "DisruptionBudget", "message": format!("The disruption budget {pdb_name} is still being processed by the server.")}),
                ],
            ));
        }
        let allowed = pdb
            .pointer("/status/disruptionsAllowed")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if allowed <= 0 {
            let desired = pdb
                .pointer("/status/desiredHealthy")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let current = pdb
                .pointer("/status/currentHealthy")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            return Err(too_many_requests(
                "Cannot evict pod as it would violate the pod's disruption budget.".into(),
                vec![
                    json!({"reason": "DisruptionBudget", "message": format!("The disruption budget {pdb_name} needs {desired} healthy pods and has {current} currently")}),
                ],
            ));
        }
        let mut charged = pdb.clone();
        charged["status"]["disruptionsAllowed"] = json!(allowed - 1);
        charged["status"]["disruptedPods"][pod_name] =
            json!(apimachinery::meta::format_time(chrono::Utc::now()));
        let ns = apimachinery::meta::meta_str(pdb, "namespace").unwrap_or_default();
        let key = registry::key(res, Some(ns), &pdb_name);
        match self
            .store
            .update(&key, registry::encode(res, &charged), rev)
            .await
        {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict { .. }) => {
                Err(ApiError::conflict(res.group, res.plural, &pdb_name))
            }
            Err(e) => Err(e.into()),
        }
    }
}
