//! The verbs on resources: get, list, create, update, patch, delete, deletecollection, and the
//! `status`, `scale` and `binding` subresources.

use std::borrow::Cow;

use apimachinery::catalog::{self, Resource};
use apimachinery::meta::{self, DeleteOutcome};
use apimachinery::schema::{self, FieldProblem};
use apimachinery::selectors::{FieldSelector, LabelSelector};
use apimachinery::{convert, defaults, patch, validation};
use base64::Engine;
use serde_json::{json, Map, Value};
use store::{ListOptions, StoreError};

use crate::codec::{self, FieldValidation, Output};
use crate::error::{ApiError, ApiResult};
use crate::registry;
use crate::request::{Query, ResourceRequest};
use crate::services;
use crate::stored_json;
use crate::ApiServer;

/// A write's answer: status code and body.
pub type Reply = (u16, Value);

const MAX_PATCH_RETRIES: usize = 8;

impl ApiServer {
    pub(crate) async fn get(
        &self,
        rr: &ResourceRequest,
        name: &str,
        out: Output,
    ) -> ApiResult<Value> {
        let res = rr.resource;
        let (obj, _) = registry::get(&self.store, res, rr.namespace.as_deref(), name).await?;
        Ok(codec::render_object(res, obj, out))
    }

    /// An object as JSON text, the same as printing what [`Self::get`] gives for
    /// `Output::Json`.
    pub(crate) async fn get_json(&self, rr: &ResourceRequest, name: &str) -> ApiResult<Vec<u8>> {
        let res = rr.resource;
        let kv = registry::get_stored(&self.store, res, rr.namespace.as_deref(), name).await?;
        registry::render_json(res, &kv.value, kv.mod_revision)
    }

    pub(crate) async fn list(
        &self,
        rr: &ResourceRequest,
        q: &Query,
        out: Output,
    ) -> ApiResult<Value> {
        let res = rr.resource;
        let filter = Filter::from_query(res, q)?;
        let (items, list_meta) = self
            .list_items(rr, q, |kv| {
                let obj = registry::decode(res, kv)?;
                Ok(filter.matches(&obj).then_some(obj))
            })
            .await?;
        Ok(codec::render_list(res, items, list_meta, out))
    }

    /// A list as JSON text, the same as printing what [`Self::list`] gives for
    /// `Output::Json`; without selectors, stored objects are spliced into it undecoded.
    pub(crate) async fn list_json(&self, rr: &ResourceRequest, q: &Query) -> ApiResult<Vec<u8>> {
        let res = rr.resource;
        let filter = Filter::from_query(res, q)?;
        let (items, list_meta) = self
            .list_items(rr, q, |kv| {
                if filter.is_everything() {
                    return registry::render_json(res, &kv.value, kv.mod_revision).map(Some);
                }
                let obj = registry::decode(res, kv)?;
                if !filter.matches(&obj) {
                    return Ok(None);
                }
                serde_json::to_vec(&obj)
                    .map(Some)
                    .map_err(|e| ApiError::internal(e.to_string()))
            })
            .await?;
        Ok(stored_json::list(
            &format!("{}List", res.kind),
            &res.api_version(),
            &Value::Object(list_meta),
            &items,
        ))
    }

    /// One page of a list (`limit`, `continue`): what `keep` makes of each stored object it
    /// keeps, and the list's metadata.
    async fn list_items<T>(
        &self,
        rr: &ResourceRequest,
        q: &Query,
        mut keep: impl FnMut(&store::KeyValue) -> ApiResult<Option<T>>,
    ) -> ApiResult<(Vec<T>, Map<String, Value>)> {
        let res = rr.resource;
        let limit = q.int("limit")?.unwrap_or(0).max(0) as usize;
        let prefix = registry::list_prefix(res, rr.namespace.as_deref());
        let start_after = match q.get("continue").filter(|c| !c.is_empty()) {
            Some(token) => Some(decode_continue(token, &prefix)?),
            None => None,
        };
        let mut items = Vec::new();
        let mut cursor = start_after;
        let mut revision;
        let mut next: Option<String> = None;
        // Filtering happens after paging in the store, so keep reading until the page is full.
        loop {
            let page = self
                .store
                .list(
                    &prefix,
                    ListOptions {
                        start_after: cursor.clone(),
                        limit: if limit > 0 { limit.max(64) } else { 0 },
                    },
                )
                .await?;
            revision = page.revision;
            let mut stopped_early = false;
            for kv in &page.kvs {
                cursor = Some(kv.key.clone());
                if let Some(item) = keep(kv)? {
                    items.push(item);
                    if limit > 0 && items.len() == limit {
                        stopped_early = true;
                        break;
                    }
                }
            }
            let last_returned = page.kvs.last().map(|kv| kv.key.clone());
            if stopped_early {
                let more_in_page = cursor != last_returned;
                if more_in_page || page.more {
                    next = cursor.clone();
                }
                break;
            }
            if !page.more {
                break;
            }
        }
        let mut list_meta = Map::new();
        list_meta.insert("resourceVersion".into(), json!(revision.to_string()));
        if let Some(key) = next {
            list_meta.insert("continue".into(), json!(encode_continue(&key, revision)));
        }
        Ok((items, list_meta))
    }

    pub(crate) async fn create(
        &self,
        rr: &ResourceRequest,
        q: &Query,
        obj: Value,
    ) -> ApiResult<Reply> {
        if rr.name.is_some() {
            return Err(ApiError::method_not_supported(rr.resource.plural, "create"));
        }
        self.create_object(rr, q, obj, None).await
    }

    /// Creates an object; `applied` is the configuration when the create comes from an apply.
    async fn create_object(
        &self,
        rr: &ResourceRequest,
        q: &Query,
        mut obj: Value,
        applied: Option<&Value>,
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        check_type(res, &obj)?;
        let namespace = self.request_namespace(rr, &obj).await?;
        let name = match meta::meta_str(&obj, "name").filter(|n| !n.is_empty()) {
            Some(n) => n.to_string(),
            None => match meta::meta_str(&obj, "generateName").filter(|n| !n.is_empty()) {
                Some(prefix) => format!("{prefix}{}", meta::name_suffix(rand::random())),
                None => String::new(),
            },
        };
        let uid = uuid::Uuid::new_v4().to_string();
        let now = meta::format_time(chrono::Utc::now());
        meta::prepare_create(
            &mut obj,
            &name,
            namespace.as_deref(),
            &uid,
            &now,
            meta::tracks_generation(res.group, res.kind),
        );
        // Defaults come after the uid: a Job's generated selector is derived from it.
        convert::normalize_input(res.group, res.kind, &mut obj);
        defaults::apply_defaults(res.group, res.kind, &mut obj);
        crate::admission::admit_create(self.store.as_ref(), res, &mut obj).await?;
        let causes = validation::validate_create(res.group, res.kind, res.namespaced, &obj);
        if !causes.is_empty() {
            return Err(ApiError::invalid(res.group, res.kind, &name, &causes));
        }
        reset_status_on_create(res, &mut obj);
        let key = registry::key(res, namespace.as_deref(), &name);
        let mut allocation = match services::is_service(res) {
            true => Some(
                self.services
                    .allocate(self.store.as_ref(), &key, None, &mut obj)
                    .await?,
            ),
            false => None,
        };
        match applied {
            Some(config) => crate::managed::record_apply(
                &mut obj,
                config,
                q.get("fieldManager").unwrap_or_default(),
                res,
            ),
            None => {
                crate::managed::record_update(&mut obj, None, q.get("fieldManager"), res, "Update")
            }
        }
        if q.dry_run()? {
            return Ok((201, obj));
        }
        match self.store.create(&key, registry::encode(res, &obj)).await {
            Ok(kv) => {
                if let Some(state) = allocation.as_mut() {
                    state.record(&key, kv.mod_revision, &obj);
                }
                Ok((201, registry::as_written(res, obj, kv.mod_revision)))
            }
            Err(StoreError::AlreadyExists(_)) => {
                Err(ApiError::already_exists(res.group, res.plural, &name))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The namespace an object is created in: the request's, checked against the body's and
    /// against the namespace's existence and lifecycle.
    async fn request_namespace(
        &self,
        rr: &ResourceRequest,
        obj: &Value,
    ) -> ApiResult<Option<String>> {
        let res = rr.resource;
        if !res.namespaced {
            return Ok(None);
        }
        let Some(ns) = rr.namespace.clone() else {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ));
        };
        if let Some(body_ns) = meta::meta_str(obj, "namespace").filter(|n| !n.is_empty()) {
            if body_ns != ns {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
        }
        let ns_res = catalog::find("", "v1", "namespaces").expect("namespaces are served");
        match registry::get(&self.store, ns_res, None, &ns).await {
            Ok((ns_obj, _)) => {
                if meta::is_deleting(&ns_obj) && !(res.group.is_empty() && res.plural == "events") {
                    return Err(ApiError::forbidden(format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                        res.plural,
                        meta::name(obj)
                    )));
                }
                Ok(Some(ns))
            }
            Err(e) if e.code == 404 => Err(ApiError::not_found("", "namespaces", &ns)),
            Err(e) => Err(e),
        }
    }

    pub(crate) async fn update(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
        mut obj: Value,
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        check_type(res, &obj)?;
        if let Some(body_name) = meta::meta_str(&obj, "name") {
            if body_name != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
        }
        let precondition = registry::requested_revision(&obj)?;
        let (current, rev) = registry::get(&self.store, res, rr.namespace.as_deref(), name).await?;
        if precondition.is_some_and(|p| p != rev) {
            return Err(ApiError::conflict(res.group, res.plural, name));
        }
        meta::metadata_mut(&mut obj).insert("name".into(), json!(name));
        if let Some(ns) = &rr.namespace {
            meta::metadata_mut(&mut obj).insert("namespace".into(), json!(ns));
        }
        self.write_update(rr, name, current, rev, obj, q, "Update")
            .await
    }

    /// Shared tail of update and patch: carry over server fields, default, validate, CAS write.
    #[allow(clippy::too_many_arguments)]
    async fn write_update(
        &self,
        rr: &ResourceRequest,
        name: &str,
        current: Value,
        rev: i64,
        mut obj: Value,
        q: &Query,
        operation: &str,
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        let sub = rr.subresource.as_deref();
        if sub == Some("status") {
            obj = meta::merge_status(&current, &obj);
        } else if sub == Some("finalize") {
            let mut finalized = current.clone();
            finalized["spec"]["finalizers"] = obj
                .pointer("/spec/finalizers")
                .cloned()
                .unwrap_or(json!([]));
            obj = finalized;
        } else {
            meta::prepare_update(
                &current,
                &mut obj,
                res.has_status(),
                meta::tracks_generation(res.group, res.kind),
            );
            convert::normalize_input(res.group, res.kind, &mut obj);
            defaults::apply_defaults(res.group, res.kind, &mut obj);
            defaults::apply_update_defaults(res.group, res.kind, &current, &mut obj);
        }
        let causes =
            validation::validate_update(res.group, res.kind, res.namespaced, &current, &obj);
        if !causes.is_empty() {
            return Err(ApiError::invalid(res.group, res.kind, name, &causes));
        }
        let key = registry::key(res, rr.namespace.as_deref(), name);
        let mut allocation = match services::is_service(res) && sub.is_none() {
            true => Some(
                self.services
                    .allocate(self.store.as_ref(), &key, Some(&current), &mut obj)
                    .await?,
            ),
            false => None,
        };
        crate::managed::record_update(
            &mut obj,
            Some(&current),
            q.get("fieldManager"),
            res,
            operation,
        );
        if q.dry_run()? {
            return Ok((200, obj));
        }
        // Removing the last finalizer of an object being deleted completes the deletion.
        if meta::is_deleting(&obj) && !meta::deletion_blocked(&obj) && deletion_complete(&obj) {
            return match self.store.delete(&key, Some(rev)).await {
                Ok(kv) => Ok((
                    200,
                    registry::decode_at(res, &registry::encode(res, &obj), kv.mod_revision)?,
                )),
                Err(StoreError::Conflict { .. }) => {
                    Err(ApiError::conflict(res.group, res.plural, name))
                }
                Err(StoreError::NotFound(_)) => {
                    Err(ApiError::not_found(res.group, res.plural, name))
                }
                Err(e) => Err(e.into()),
            };
        }
        if obj == current {
            return Ok((200, current));
        }
        match self
            .store
            .update(&key, registry::encode(res, &obj), rev)
            .await
        {
            Ok(kv) => {
                if let Some(state) = allocation.as_mut() {
                    state.record(&key, kv.mod_revision, &obj);
                }
                Ok((200, registry::as_written(res, obj, kv.mod_revision)))
            }
            Err(StoreError::Conflict { .. }) => {
                Err(ApiError::conflict(res.group, res.plural, name))
            }
            Err(StoreError::NotFound(_)) => Err(ApiError::not_found(res.group, res.plural, name)),
            Err(e) => Err(e.into()),
        }
    }

    /// A patch of any type. `fieldValidation` applies as in Kubernetes: duplicates are looked
    /// for in the patch body, unknown fields in the patched object (for apply, in the applied
    /// configuration, where they are always an error); unknown fields are never stored.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn patch(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
        content_type: &str,
        body: &[u8],
        validation: FieldValidation,
        warnings: &mut Vec<String>,
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        let api_version = res.api_version();
        let media = content_type.split(';').next().unwrap_or("").trim();
        let patch_doc = codec::decode_body(media, body)?;
        let is_apply = media == "application/apply-patch+yaml";
        if !matches!(
            media,
            "application/json-patch+json"
                | "application/merge-patch+json"
                | "application/strategic-merge-patch+json"
        ) && !is_apply
        {
            return Err(ApiError::unsupported_media_type(media));
        }
        if is_apply && q.get("fieldManager").is_none_or(str::is_empty) {
            return Err(ApiError::bad_request("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"));
        }
        let duplicates =
            if validation != FieldValidation::Ignore && codec::is_json_body(media, body) {
                schema::duplicate_fields(body)
            } else {
                Vec::new()
            };
        if is_apply {
            validation.check(&duplicates, warnings, |_| {
                let list: Vec<String> = duplicates.iter().map(ToString::to_string).collect();
                ApiError::bad_request(format!("error strict decoding YAML: {}", list.join(", ")))
            })?;
            check_applied_fields(res, rr.namespace.as_deref(), name, &patch_doc)?;
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let current = registry::get(&self.store, res, rr.namespace.as_deref(), name).await;
            let (current, rev) = match current {
                Ok(c) => c,
                Err(e) if e.code == 404 && is_apply && rr.subresource.is_none() => {
                    return self.apply_create(rr, name, q, patch_doc).await;
                }
                Err(e) => return Err(e),
            };
            let patched = if is_apply {
                crate::managed::apply(&current, &patch_doc, q, res)?
            } else {
                // The patch applies to the typed object, which has no unknown fields.
                let mut base = Cow::Borrowed(&current);
                if !schema::unknown_fields(&api_version, res.kind, &current).is_empty() {
                    schema::prune(&api_version, res.kind, base.to_mut());
                }
                let mut patched = apply_patch(res, media, &base, &patch_doc)?;
                let mut problems = duplicates.clone();
                if validation != FieldValidation::Ignore {
                    problems.extend(
                        schema::unknown_fields(&api_version, res.kind, &patched)
                            .into_iter()
                            .map(FieldProblem::Unknown),
                    );
                }
                let mut found = Vec::new();
                validation.check(&problems, &mut found, |message| {
                    let value = if media == "application/strategic-merge-patch+json" {
                        schema::go_format(&patch_doc)
                    } else {
                        serde_json::to_string(&patched).unwrap_or_default()
                    };
                    ApiError::invalid(
                        "",
                        "",
                        "",
                        &[validation::Cause {
                            reason: "FieldValueInvalid",
                            message: format!("Invalid value: {}: {message}", Value::String(value)),
                            field: "patch".into(),
                        }],
                    )
                })?;
                // A retried patch finds the same problems; report them once.
                if attempts == 1 {
                    warnings.extend(found);
                }
                schema::prune(&api_version, res.kind, &mut patched);
                patched
            };
            if let Some(want) = registry::requested_revision(&patched)? {
                if want != rev {
                    return Err(ApiError::conflict(res.group, res.plural, name));
                }
            }
            let operation = if is_apply { "Apply" } else { "Update" };
            match self
                .write_update(rr, name, current, rev, patched, q, operation)
                .await
            {
                Err(e) if e.reason == "Conflict" && attempts < MAX_PATCH_RETRIES => continue,
                other => return other,
            }
        }
    }

    async fn apply_create(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
        mut obj: Value,
    ) -> ApiResult<Reply> {
        meta::metadata_mut(&mut obj).insert("name".into(), json!(name));
        let applied = obj.clone();
        self.create_object(rr, q, obj, Some(&applied)).await
    }

    pub(crate) async fn delete(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
        body: &[u8],
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        let opts = DeleteOptions::parse(q, body)?;
        let key = registry::key(res, rr.namespace.as_deref(), name);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (current, rev) =
                registry::get(&self.store, res, rr.namespace.as_deref(), name).await?;
            if let Some(uid) = &opts.precondition_uid {
                if meta::meta_str(&current, "uid") != Some(uid.as_str()) {
                    return Err(ApiError::new(409, "Conflict", format!(
                        "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                        res.group_resource(), meta::meta_str(&current, "uid").unwrap_or_default())));
                }
            }
            if opts.precondition_rv.is_some_and(|p| p != rev) {
                return Err(ApiError::conflict(res.group, res.plural, name));
            }
            let grace = grace_period(res, &current, opts.grace_period);
            let outcome = meta::plan_delete(
                &current,
                grace,
                opts.propagation.as_deref(),
                chrono::Utc::now(),
            );
            if opts.dry_run {
                return Ok((200, current));
            }
            let result = match outcome {
                DeleteOutcome::Unchanged => return Ok((200, current)),
                DeleteOutcome::Remove => {
                    self.store.delete(&key, Some(rev)).await.map(|kv| (200, kv))
                }
                DeleteOutcome::MarkDeleting(marked) => self
                    .store
                    .update(&key, registry::encode(res, &marked), rev)
                    .await
                    .map(|kv| (200, kv)),
            };
            match result {
                Ok((code, kv)) => return Ok((code, registry::decode(res, &kv)?)),
                Err(StoreError::Conflict { .. }) if attempts < MAX_PATCH_RETRIES => continue,
                Err(StoreError::Conflict { .. }) => {
                    return Err(ApiError::conflict(res.group, res.plural, name))
                }
                Err(StoreError::NotFound(_)) => {
                    return Err(ApiError::not_found(res.group, res.plural, name))
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub(crate) async fn delete_collection(
        &self,
        rr: &ResourceRequest,
        q: &Query,
        body: &[u8],
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        let listed = self.list(rr, q, Output::Json).await?;
        let mut deleted = Vec::new();
        let no_query = Query::default();
        for item in listed["items"].as_array().cloned().unwrap_or_default() {
            let name = meta::name(&item).to_string();
            let item_rr = ResourceRequest {
                namespace: meta::meta_str(&item, "namespace")
                    .map(str::to_string)
                    .or(rr.namespace.clone()),
                ..rr.clone()
            };
            let dq = if q.dry_run()? {
                q.clone()
            } else {
                no_query.clone()
            };
            match self.delete(&item_rr, &name, &dq, body).await {
                Ok((_, obj)) => deleted.push(obj),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok((
            200,
            codec::render_list(res, deleted, Map::new(), Output::Json),
        ))
    }

    pub(crate) async fn get_scale(&self, rr: &ResourceRequest, name: &str) -> ApiResult<Value> {
        let (obj, _) =
            registry::get(&self.store, rr.resource, rr.namespace.as_deref(), name).await?;
        Ok(scale_of(&obj))
    }

    /// PUT or PATCH on `/scale`: the change is computed on the Scale object, then its
    /// `spec.replicas` is written to the parent.
    pub(crate) async fn write_scale(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
        content_type: Option<&str>,
        body: &[u8],
    ) -> ApiResult<Reply> {
        let res = rr.resource;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (current, rev) =
                registry::get(&self.store, res, rr.namespace.as_deref(), name).await?;
            let scale = scale_of(&current);
            let new_scale = match content_type {
                Some(ct) => {
                    let media = ct.split(';').next().unwrap_or("").trim();
                    let doc = codec::decode_body(media, body)?;
                    let scale_res = catalog::find("autoscaling", "v1", "horizontalpodautoscalers")
                        .unwrap_or(res);
                    apply_patch(scale_res, media, &scale, &doc)?
                }
                None => {
                    let s = codec::decode_json(body)?;
                    if registry::requested_revision(&s)?.is_some_and(|p| p != rev) {
                        return Err(ApiError::conflict(res.group, res.plural, name));
                    }
                    s
                }
            };
            let replicas = new_scale
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if replicas < 0 {
                return Err(ApiError::invalid(
                    "autoscaling",
                    "Scale",
                    name,
                    &[validation::Cause {
                        reason: "FieldValueInvalid",
                        message: format!(
                            "Invalid value: {replicas}: must be greater than or equal to 0"
                        ),
                        field: "spec.replicas".into(),
                    }],
                ));
            }
            let mut updated = current.clone();
            updated["spec"]["replicas"] = json!(replicas);
            let main_rr = ResourceRequest {
                subresource: None,
                ..rr.clone()
            };
            match self
                .write_update(&main_rr, name, current, rev, updated, q, "Update")
                .await
            {
                Ok((code, obj)) => return Ok((code, scale_of(&obj))),
                Err(e)
                    if e.reason == "Conflict"
                        && content_type.is_some()
                        && attempts < MAX_PATCH_RETRIES =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `pods/binding`: assigns a pending pod to a node, once.
    pub(crate) async fn bind(
        &self,
        rr: &ResourceRequest,
        name: &str,
        binding: Value,
    ) -> ApiResult<Reply> {
        let node = binding
            .pointer("/target/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if node.is_empty() {
            return Err(ApiError::invalid(
                "",
                "Binding",
                name,
                &[validation::Cause {
                    reason: "FieldValueRequired",
                    message: "Required value".into(),
                    field: "target.name".into(),
                }],
            ));
        }
        let res = rr.resource;
        let (current, rev) = registry::get(&self.store, res, rr.namespace.as_deref(), name).await?;
        if current
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty())
        {
            return Err(ApiError::new(409, "Conflict", format!(
                "Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{}\"",
                current["spec"]["nodeName"].as_str().unwrap_or_default())));
        }
        if meta::is_deleting(&current) {
            return Err(ApiError::new(409, "Conflict", format!("Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is being deleted, cannot be assigned to a host")));
        }
        let mut bound = current;
        bound["spec"]["nodeName"] = json!(node);
        let conditions = bound["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut conditions: Vec<Value> = conditions
            .into_iter()
            .filter(|c| c["type"] != "PodScheduled")
            .collect();
        conditions.push(
            json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null,
                               "lastTransitionTime": meta::format_time(chrono::Utc::now())}),
        );
        bound["status"]["conditions"] = json!(conditions);
        let key = registry::key(res, rr.namespace.as_deref(), name);
        match self
            .store
            .update(&key, registry::encode(res, &bound), rev)
            .await
        {
            Ok(_) => Ok((
                201,
                json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
            )),
            Err(StoreError::Conflict { .. }) => {
                Err(ApiError::conflict(res.group, res.plural, name))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Applies a JSON, merge or strategic merge patch.
pub(crate) fn apply_patch(
    res: &Resource,
    media: &str,
    current: &Value,
    doc: &Value,
) -> ApiResult<Value> {
    let result = match media {
        "application/json-patch+json" => patch::apply_json_patch(current, doc),
        "application/merge-patch+json" => {
            if !doc.is_object() {
                return Err(ApiError::bad_request(
                    "error decoding patch: a merge patch must be a JSON object",
                ));
            }
            Ok(patch::apply_merge_patch(current, doc))
        }
        _ => {
            let schema = patch::schema_for(res.group, res.kind);
            patch::apply_strategic_merge_patch(current, doc, &schema)
        }
    };
    result.map_err(crate::patch_error)
}

/// Server-side apply types the applied configuration against the schema, so unknown fields
/// fail it whatever `fieldValidation` says (with Kubernetes' message; a 400, not its 500).
fn check_applied_fields(
    res: &Resource,
    namespace: Option<&str>,
    name: &str,
    applied: &Value,
) -> ApiResult<()> {
    let unknown = schema::unknown_fields(&res.api_version(), res.kind, applied);
    if unknown.is_empty() {
        return Ok(());
    }
    let errors: Vec<String> = unknown
        .iter()
        .map(|p| format!(".{p}: field not declared in schema"))
        .collect();
    let errors = match errors.as_slice() {
        [one] => one.clone(),
        many => format!("errors:\n  {}", many.join("\n  ")),
    };
    let group_version = if res.group.is_empty() {
        format!("/{}", res.version)
    } else {
        res.api_version()
    };
    Err(ApiError::bad_request(format!(
        "failed to create typed patch object ({}/{name}; {group_version}, Kind={}): {errors}",
        namespace.unwrap_or_default(),
        res.kind
    )))
}

fn check_type(res: &Resource, obj: &Value) -> ApiResult<()> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    if let Some(v) = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
    {
        if v != res.api_version() {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({})",
                res.api_version()
            )));
        }
    }
    if let Some(k) = obj
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
    {
        if k != res.kind {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                res.kind
            )));
        }
    }
    Ok(())
}

fn deletion_complete(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        == 0
}

/// Kubernetes' per-kind handling of a new object's status.
fn reset_status_on_create(res: &Resource, obj: &mut Value) {
    let Some(o) = obj.as_object_mut() else { return };
    match (res.group, res.kind) {
        ("", "Pod") => {
            let qos = pod_qos_class(o.get("spec"));
            o.insert(
                "status".into(),
                json!({"phase": "Pending", "qosClass": qos}),
            );
        }
        ("", "Namespace") => {
            o.insert("status".into(), json!({"phase": "Active"}));
        }
        ("", "Service") => {
            o.insert("status".into(), json!({"loadBalancer": {}}));
        }
        ("", "PersistentVolumeClaim") | ("", "PersistentVolume") => {
            o.insert("status".into(), json!({"phase": "Pending"}));
        }
        ("", "Node") | ("", "ResourceQuota") => {}
        _ if res.has_status() => {
            o.insert("status".into(), json!({}));
        }
        _ => {}
    }
}

/// Guaranteed, Burstable or BestEffort, from the containers' requests and limits.
pub fn pod_qos_class(spec: Option<&Value>) -> &'static str {
    let containers: Vec<&Value> = ["containers", "initContainers"]
        .iter()
        .filter_map(|f| spec.and_then(|s| s.get(*f)).and_then(Value::as_array))
        .flatten()
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in containers {
        let limits = c.pointer("/resources/limits").and_then(Value::as_object);
        let requests = c.pointer("/resources/requests").and_then(Value::as_object);
        if limits.is_some_and(|l| !l.is_empty()) || requests.is_some_and(|r| !r.is_empty()) {
            any = true;
        }
        for r in ["cpu", "memory"] {
            let limit = limits.and_then(|l| l.get(r));
            let request = requests.and_then(|q| q.get(r)).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

fn grace_period(res: &Resource, obj: &Value, requested: Option<i64>) -> Option<i64> {
    if !(res.group.is_empty() && res.kind == "Pod") {
        return requested.map(|_| 0);
    }
    let unscheduled = obj
        .pointer("/spec/nodeName")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    let finished = matches!(
        obj.pointer("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    );
    if unscheduled || finished {
        return Some(0);
    }
    Some(requested.unwrap_or_else(|| {
        obj.pointer("/spec/terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(30)
    }))
}

/// The `autoscaling/v1 Scale` view of a scalable object.
fn scale_of(obj: &Value) -> Value {
    let selector = obj
        .pointer("/spec/selector")
        .and_then(|s| LabelSelector::from_json(s).ok())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let m = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
                     "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]},
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(0))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector},
    })
}

struct DeleteOptions {
    grace_period: Option<i64>,
    propagation: Option<String>,
    precondition_uid: Option<String>,
    precondition_rv: Option<i64>,
    dry_run: bool,
}

impl DeleteOptions {
    fn parse(q: &Query, body: &[u8]) -> ApiResult<DeleteOptions> {
        let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            codec::decode_json(body)?
        };
        let policy = body
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .or(q.get("propagationPolicy"));
        if let Some(p) = policy {
            if !matches!(p, "Orphan" | "Background" | "Foreground") {
                return Err(ApiError::invalid("meta.k8s.io", "DeleteOptions", "", &[validation::Cause {
                    reason: "FieldValueNotSupported",
                    message: format!("Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
                    field: "propagationPolicy".into(),
                }]));
            }
        }
        let dry_run = q.dry_run()?
            || body
                .get("dryRun")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v == "All"));
        Ok(DeleteOptions {
            propagation: policy.map(str::to_string),
            grace_period: body
                .get("gracePeriodSeconds")
                .and_then(Value::as_i64)
                .or(q.int("gracePeriodSeconds")?),
            precondition_uid: body
                .pointer("/preconditions/uid")
                .and_then(Value::as_str)
                .map(str::to_string),
            precondition_rv: body
                .pointer("/preconditions/resourceVersion")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok()),
            dry_run,
        })
    }
}

/// Label and field selectors of a list or watch.
pub(crate) struct Filter {
    labels: Option<LabelSelector>,
    fields: Option<FieldSelector>,
}

impl Filter {
    pub(crate) fn from_query(res: &Resource, q: &Query) -> ApiResult<Filter> {
        let labels = match q.get("labelSelector").filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(LabelSelector::parse(s).map_err(ApiError::bad_request)?),
            None => None,
        };
        let fields = match q.get("fieldSelector").filter(|s| !s.trim().is_empty()) {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(ApiError::bad_request)?;
                for req in f.requirements() {
                    let field = req.field();
                    if !field_supported(res, field) {
                        return Err(ApiError::bad_request(format!(
                            "field label not supported: {field}"
                        )));
                    }
                }
                Some(f)
            }
            None => None,
        };
        Ok(Filter { labels, fields })
    }

    /// True when the filter lets every object through, so objects need not be decoded to
    /// check it.
    pub(crate) fn is_everything(&self) -> bool {
        self.labels.is_none() && self.fields.is_none()
    }

    pub(crate) fn matches(&self, obj: &Value) -> bool {
        let labels_ok = self
            .labels
            .as_ref()
            .is_none_or(|s| s.matches(obj.pointer("/metadata/labels").and_then(Value::as_object)));
        labels_ok && self.fields.as_ref().is_none_or(|f| f.matches(obj))
    }
}

/// The field selectors Kubernetes supports per kind (every kind has metadata.name/namespace).
fn field_supported(res: &Resource, field: &str) -> bool {
    if matches!(field, "metadata.name" | "metadata.namespace") {
        return true;
    }
    match (res.group, res.kind) {
        ("", "Pod") => matches!(
            field,
            "spec.nodeName"
                | "spec.restartPolicy"
                | "spec.schedulerName"
                | "spec.serviceAccountName"
                | "spec.hostNetwork"
                | "status.phase"
                | "status.podIP"
                | "status.nominatedNodeName"
        ),
        ("", "Event") | ("events.k8s.io", "Event") => {
            field.starts_with("involvedObject.")
                || field.starts_with("regarding.")
                || matches!(
                    field,
                    "reason" | "reportingComponent" | "reportingController" | "source" | "type"
                )
        }
        ("", "Node") => field == "spec.unschedulable",
        ("", "Namespace") => field == "status.phase",
        ("", "Secret") => field == "type",
        ("", "ReplicationController") | ("apps", "ReplicaSet") => field == "status.replicas",
        ("batch", "Job") => field == "status.successful",
        ("", "Service") => field == "spec.clusterIP" || field == "spec.type",
        _ => false,
    }
}

fn encode_continue(key: &str, revision: i64) -> String {
    let token = json!({"v": "rudder.continue/1", "rv": revision, "start": key}).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token)
}

fn decode_continue(token: &str, prefix: &str) -> ApiResult<String> {
    let bad = || {
        ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    let start = v.get("start").and_then(Value::as_str).ok_or_else(bad)?;
    if !start.starts_with(prefix) {
        return Err(bad());
    }
    Ok(start.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qos_classes() {
        assert_eq!(
            pod_qos_class(Some(&json!({"containers": [{"name": "a"}]}))),
            "BestEffort"
        );
        let g = json!({"containers": [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]});
        assert_eq!(pod_qos_class(Some(&g)), "Guaranteed");
        let b = json!({"containers": [{"resources": {"requests": {"cpu": "100m"}}}]});
        assert_eq!(pod_qos_class(Some(&b)), "Burstable");
    }

    #[test]
    fn continue_tokens_round_trip_and_stay_in_prefix() {
        let t = encode_continue("/registry/core/pods/default/web-1", 42);
        assert_eq!(
            decode_continue(&t, "/registry/core/pods/").unwrap(),
            "/registry/core/pods/default/web-1"
        );
        assert!(decode_continue(&t, "/registry/core/secrets/").is_err());
        assert!(decode_continue("!!", "/").is_err());
    }

    #[test]
    fn scale_view() {
        let d = json!({"metadata": {"name": "web", "namespace": "ns", "resourceVersion": "7"},
                       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}},
                       "status": {"replicas": 2}});
        let s = scale_of(&d);
        assert_eq!(s["spec"]["replicas"], 3);
        assert_eq!(s["status"]["replicas"], 2);
        assert_eq!(s["status"]["selector"], "app=web");
        assert_eq!(s["metadata"]["resourceVersion"], "7");
    }
}
