//! Pods and nodes as the scheduler's informers decode them: only the fields the scheduler
//! reads. Managed fields, annotations (kubectl's last-applied configuration), container
//! statuses and node images are most of these objects' JSON and would be decoded for every
//! change of every pod and node otherwise.

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeCondition, NodeSpec, NodeStatus, Pod, PodCondition, PodSpec, PodStatus,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope};
use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    name: Option<String>,
    namespace: Option<String>,
    uid: Option<String>,
    resource_version: Option<String>,
    generation: Option<i64>,
    labels: Option<BTreeMap<String, String>>,
    owner_references: Option<Vec<OwnerReference>>,
    creation_timestamp: Option<Time>,
    deletion_timestamp: Option<Time>,
}

fn meta<'de, D: Deserializer<'de>>(d: D) -> Result<ObjectMeta, D::Error> {
    let m = Meta::deserialize(d)?;
    Ok(ObjectMeta {
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resource_version: m.resource_version,
        generation: m.generation,
        labels: m.labels,
        owner_references: m.owner_references,
        creation_timestamp: m.creation_timestamp,
        deletion_timestamp: m.deletion_timestamp,
        ..Default::default()
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PodStatusFields {
    phase: Option<String>,
    nominated_node_name: Option<String>,
    conditions: Option<Vec<PodCondition>>,
    start_time: Option<Time>,
}

#[derive(Deserialize)]
struct PodFields {
    #[serde(deserialize_with = "meta")]
    metadata: ObjectMeta,
    spec: Option<PodSpec>,
    status: Option<PodStatusFields>,
}

/// A Pod with only what the scheduler reads.
#[derive(Clone, Debug)]
pub struct SlimPod(pub Pod);

impl<'de> Deserialize<'de> for SlimPod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SlimPod, D::Error> {
        let p = PodFields::deserialize(d)?;
        Ok(SlimPod(Pod {
            metadata: p.metadata,
            spec: p.spec,
            status: p.status.map(|s| PodStatus {
                phase: s.phase,
                nominated_node_name: s.nominated_node_name,
                conditions: s.conditions,
                start_time: s.start_time,
                ..Default::default()
            }),
        }))
    }
}

#[derive(Deserialize)]
struct NodeStatusFields {
    allocatable: Option<BTreeMap<String, Quantity>>,
    capacity: Option<BTreeMap<String, Quantity>>,
    conditions: Option<Vec<NodeCondition>>,
}

#[derive(Deserialize)]
struct NodeFields {
    #[serde(deserialize_with = "meta")]
    metadata: ObjectMeta,
    spec: Option<NodeSpec>,
    status: Option<NodeStatusFields>,
}

/// A Node with only what the scheduler reads.
#[derive(Clone, Debug)]
pub struct SlimNode(pub Node);

impl<'de> Deserialize<'de> for SlimNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SlimNode, D::Error> {
        let n = NodeFields::deserialize(d)?;
        Ok(SlimNode(Node {
            metadata: n.metadata,
            spec: n.spec,
            status: n.status.map(|s| NodeStatus {
                allocatable: s.allocatable,
                capacity: s.capacity,
                conditions: s.conditions,
                ..Default::default()
            }),
        }))
    }
}

macro_rules! resource {
    ($slim:ty, $kind:literal, $plural:literal, $scope:ty) => {
        impl kube::Resource for $slim {
            type DynamicType = ();
            type Scope = $scope;

            fn kind(_: &()) -> Cow<'_, str> {
                Cow::Borrowed($kind)
            }
            fn group(_: &()) -> Cow<'_, str> {
                Cow::Borrowed("")
            }
            fn version(_: &()) -> Cow<'_, str> {
                Cow::Borrowed("v1")
            }
            fn plural(_: &()) -> Cow<'_, str> {
                Cow::Borrowed($plural)
            }
            fn meta(&self) -> &ObjectMeta {
                &self.0.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.0.metadata
            }
        }
    };
}

resource!(SlimPod, "Pod", "pods", NamespaceResourceScope);
resource!(SlimNode, "Node", "nodes", ClusterResourceScope);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_what_the_scheduler_reads() {
        let p: SlimPod = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "ns", "uid": "u", "resourceVersion": "7",
                         "labels": {"app": "web"},
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                         "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}],
                         "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"containers": [{"name": "c", "image": "x"}], "nodeName": "n1"},
            "status": {"phase": "Running", "nominatedNodeName": "n1",
                       "containerStatuses": [{"name": "c", "image": "x", "imageID": "", "ready": true, "restartCount": 0}],
                       "conditions": [{"type": "PodScheduled", "status": "True"}]}
        }))
        .unwrap();
        let pod = &p.0;
        assert_eq!(pod.metadata.resource_version.as_deref(), Some("7"));
        assert!(pod.metadata.managed_fields.is_none() && pod.metadata.annotations.is_none());
        let status = pod.status.as_ref().unwrap();
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert!(status.container_statuses.is_none());
        assert_eq!(status.conditions.as_ref().unwrap()[0].type_, "PodScheduled");
        assert_eq!(pod.spec.as_ref().unwrap().node_name.as_deref(), Some("n1"));

        let n: SlimNode = serde_json::from_value(json!({
            "metadata": {"name": "n1", "labels": {"zone": "a"}},
            "spec": {"unschedulable": true},
            "status": {"allocatable": {"cpu": "2"}, "images": [{"names": ["x"], "sizeBytes": 1}],
                       "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .unwrap();
        let data = crate::scheduler::model::NodeData::from_node(&n.0);
        assert!(data.ready && data.unschedulable);
        assert_eq!(data.allocatable.milli_cpu, 2000);
        assert!(n.0.status.unwrap().images.is_none());
    }
}
