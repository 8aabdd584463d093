//! Kubernetes API machinery as pure functions over JSON objects (`serde_json::Value`): no I/O,
//! so everything here is unit-testable. The API server (`apiserver` crate) is the I/O edge.

pub mod catalog;
pub mod convert;
pub mod defaults;
pub mod meta;
pub mod patch;
pub mod protobuf;
pub mod schema;
pub mod selectors;
pub mod service_alloc;
pub mod table;
pub mod validation;
