//! The container-runtime foundation of the node agent:
//!
//! - [`client`]: typed clients for the CRI v1 `RuntimeService` and `ImageService` over a unix
//!   socket (tonic; stubs generated from `proto/runtime/v1/api.proto`, the CRI subset we use);
//! - [`containerd`]: the configuration file for our own containerd and [`Containerd`], which
//!   starts, restarts and stops it;
//! - [`oci`]: reproducible OCI image layout archives built from local files;
//! - [`images`]: the built-in images (the pause sandbox image, busybox) and their import into
//!   containerd;
//! - [`host_image`]: layers made of programs installed on this machine and their libraries;
//! - [`stream`]: the client side of the runtime's streaming server (exec, attach,
//!   port-forward over SPDY).

pub mod client;
pub mod containerd;
pub mod error;
pub mod host_image;
pub mod images;
pub mod oci;
pub mod stream;

/// The generated CRI v1 messages and gRPC client stubs (`runtime.v1`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod api {
    tonic::include_proto!("runtime.v1");
}

pub use client::{ImageClient, RuntimeClient};
pub use containerd::{Containerd, ContainerdConfig};
pub use error::{Error, Result};
