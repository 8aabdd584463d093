//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded to JSON objects.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};

pub fn decode(body: &[u8]) -> ApiResult<Value> {
    apimachinery::protobuf::decode(body).map_err(|e| match e {
        apimachinery::protobuf::ProtoError::UnsupportedKind(kind) => ApiError::new(
            415,
            "UnsupportedMediaType",
            format!("protobuf bodies of kind {kind} are not supported; send application/json"),
        ),
        other => ApiError::bad_request(format!("error decoding protobuf body: {other}")),
    })
}
