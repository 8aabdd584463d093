//! Node networking: the nftables service proxy that makes cluster IPs, node ports and
//! external IPs reach a Service's ready endpoints.
//!
//! - [`proxy::model`]: Services and EndpointSlices → service ports with their endpoints (pure);
//! - [`proxy::rules`]: service ports → nftables fragments and transactions (pure);
//! - [`proxy`]: the state, `nft -f` and the API watches.

pub mod proxy;
