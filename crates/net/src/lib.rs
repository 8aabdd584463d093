//! Node networking: the nftables service proxy that makes cluster IPs, node ports and
//! external IPs reach a Service's ready endpoints, and the routes between nodes.
//!
//! - [`proxy::model`]: Services and EndpointSlices → service ports with their endpoints (pure);
//! - [`proxy::rules`]: service ports → nftables fragments and transactions (pure);
//! - [`proxy`]: the state, `nft -f` and the API watches;
//! - [`routes`]: host-gateway routes to the other nodes' pod CIDRs.

pub mod proxy;
pub mod routes;
