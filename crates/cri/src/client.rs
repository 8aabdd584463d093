//! Typed clients for the CRI v1 `RuntimeService` and `ImageService` over a unix socket.
//!
//! Every call carries a deadline (sent to the runtime as `grpc-timeout` and enforced locally)
//! and every reply is checked for the fields the call must return, so a misbehaving runtime
//! produces an [`Error`], never a panic. The underlying tonic channel reconnects by itself, so a
//! client survives a runtime restart; calls made while the runtime is down fail with
//! `Unavailable`.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::api;
use crate::api::image_service_client::ImageServiceClient;
use crate::api::runtime_service_client::RuntimeServiceClient;
use crate::error::{Error, Result};

/// The CRI API version this client speaks.
pub const CRI_API_VERSION: &str = "v1";

/// Deadline for ordinary calls (the kubelet's default `--runtime-request-timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Largest reply accepted (lists on a busy node can exceed gRPC's 4 MiB default).
const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// Opens a gRPC channel to a unix socket. The connection is made now, so a missing or dead
/// socket is reported here rather than on the first call.
pub async fn connect_channel(path: impl AsRef<Path>) -> Result<Channel> {
    let path = path.as_ref().to_path_buf();
    let socket = path.clone();
    // The URI only fills in the HTTP/2 `:authority`; the connector ignores it.
    let endpoint = Endpoint::from_static("http://localhost")
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true);
    endpoint
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            async move { Ok::<_, std::io::Error>(TokioIo::new(UnixStream::connect(socket).await?)) }
        }))
        .await
        .map_err(|e| Error::connect(path, e))
}

/// Runs one unary call with a deadline and maps failures to [`Error`].
async fn unary<T, Fut>(method: &'static str, timeout: Duration, call: Fut) -> Result<T>
where
    Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
{
    match tokio::time::timeout(timeout, call).await {
        Err(_) => Err(Error::Timeout { method, timeout }),
        Ok(Err(status)) => Err(Error::rpc(method, status)),
        Ok(Ok(reply)) => Ok(reply.into_inner()),
    }
}

fn request<T>(message: T, timeout: Duration) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(timeout);
    request
}

fn require_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::InvalidArgument(format!("{what} must not be empty")));
    }
    Ok(())
}

fn require_url(method: &'static str, url: String) -> Result<String> {
    if url.is_empty() {
        return Err(Error::invalid_reply(method, "empty streaming URL"));
    }
    Ok(url)
}

/// Client for `runtime.v1.RuntimeService`.
#[derive(Clone)]
pub struct RuntimeClient {
    inner: RuntimeServiceClient<Channel>,
    channel: Channel,
    timeout: Duration,
}

impl std::fmt::Debug for RuntimeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeClient")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RuntimeClient {
    /// Connects to the runtime's unix socket.
    pub async fn connect(path: impl AsRef<Path>) -> Result<RuntimeClient> {
        Ok(RuntimeClient::from_channel(connect_channel(path).await?))
    }

    /// Wraps an existing channel (for example one shared with an [`ImageClient`]).
    pub fn from_channel(channel: Channel) -> RuntimeClient {
        let inner = RuntimeServiceClient::new(channel.clone())
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        RuntimeClient {
            inner,
            channel,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sets the deadline for calls (default [`DEFAULT_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> RuntimeClient {
        self.timeout = timeout;
        self
    }

    /// An image client over the same connection.
    pub fn image_client(&self) -> ImageClient {
        ImageClient::from_channel(self.channel.clone()).with_timeout(self.timeout)
    }

    fn client(&self) -> RuntimeServiceClient<Channel> {
        self.inner.clone()
    }

    /// `Version`: the runtime's name, version and CRI API version.
    pub async fn version(&self) -> Result<api::VersionResponse> {
        const M: &str = "Version";
        let msg = api::VersionRequest {
            version: CRI_API_VERSION.to_string(),
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().version(request(msg, self.timeout)),
        )
        .await?;
        if reply.runtime_name.is_empty() || reply.runtime_api_version.is_empty() {
            return Err(Error::invalid_reply(
                M,
                "runtime_name or runtime_api_version is empty",
            ));
        }
        Ok(reply)
    }

    /// `Status`: the runtime's conditions (`RuntimeReady`, `NetworkReady`).
    pub async fn status(&self, verbose: bool) -> Result<api::StatusResponse> {
        const M: &str = "Status";
        let msg = api::StatusRequest { verbose };
        let reply = unary(
            M,
            self.timeout,
            self.client().status(request(msg, self.timeout)),
        )
        .await?;
        if reply.status.is_none() {
            return Err(Error::invalid_reply(M, "status is missing"));
        }
        Ok(reply)
    }

    /// `RunPodSandbox`: creates and starts a pod sandbox; returns its ID.
    pub async fn run_pod_sandbox(
        &self,
        config: api::PodSandboxConfig,
        runtime_handler: &str,
    ) -> Result<String> {
        const M: &str = "RunPodSandbox";
        if config.metadata.is_none() {
            return Err(Error::InvalidArgument(
                "pod sandbox config needs metadata".into(),
            ));
        }
        let msg = api::RunPodSandboxRequest {
            config: Some(config),
            runtime_handler: runtime_handler.to_string(),
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().run_pod_sandbox(request(msg, self.timeout)),
        )
        .await?;
        if reply.pod_sandbox_id.is_empty() {
            return Err(Error::invalid_reply(M, "pod_sandbox_id is empty"));
        }
        Ok(reply.pod_sandbox_id)
    }

    /// `StopPodSandbox`: stops the sandbox and all of its containers. Idempotent.
    pub async fn stop_pod_sandbox(&self, pod_sandbox_id: &str) -> Result<()> {
        require_id("pod sandbox ID", pod_sandbox_id)?;
        let msg = api::StopPodSandboxRequest {
            pod_sandbox_id: pod_sandbox_id.to_string(),
        };
        unary(
            "StopPodSandbox",
            self.timeout,
            self.client().stop_pod_sandbox(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `RemovePodSandbox`: removes the sandbox and its containers. Idempotent.
    pub async fn remove_pod_sandbox(&self, pod_sandbox_id: &str) -> Result<()> {
        require_id("pod sandbox ID", pod_sandbox_id)?;
        let msg = api::RemovePodSandboxRequest {
            pod_sandbox_id: pod_sandbox_id.to_string(),
        };
        unary(
            "RemovePodSandbox",
            self.timeout,
            self.client().remove_pod_sandbox(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `PodSandboxStatus`.
    pub async fn pod_sandbox_status(
        &self,
        pod_sandbox_id: &str,
        verbose: bool,
    ) -> Result<api::PodSandboxStatusResponse> {
        const M: &str = "PodSandboxStatus";
        require_id("pod sandbox ID", pod_sandbox_id)?;
        let msg = api::PodSandboxStatusRequest {
            pod_sandbox_id: pod_sandbox_id.to_string(),
            verbose,
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().pod_sandbox_status(request(msg, self.timeout)),
        )
        .await?;
        match &reply.status {
            None => Err(Error::invalid_reply(M, "status is missing")),
            Some(status) if status.id.is_empty() => {
                Err(Error::invalid_reply(M, "status.id is empty"))
            }
            Some(_) => Ok(reply),
        }
    }

    /// `ListPodSandbox`.
    pub async fn list_pod_sandbox(
        &self,
        filter: Option<api::PodSandboxFilter>,
    ) -> Result<Vec<api::PodSandbox>> {
        let msg = api::ListPodSandboxRequest { filter };
        let reply = unary(
            "ListPodSandbox",
            self.timeout,
            self.client().list_pod_sandbox(request(msg, self.timeout)),
        )
        .await?;
        Ok(reply.items)
    }

    /// `CreateContainer`: creates a container in a sandbox; returns its ID.
    pub async fn create_container(
        &self,
        pod_sandbox_id: &str,
        config: api::ContainerConfig,
        sandbox_config: api::PodSandboxConfig,
    ) -> Result<String> {
        const M: &str = "CreateContainer";
        require_id("pod sandbox ID", pod_sandbox_id)?;
        if config.metadata.is_none() || config.image.is_none() {
            return Err(Error::InvalidArgument(
                "container config needs metadata and image".into(),
            ));
        }
        let msg = api::CreateContainerRequest {
            pod_sandbox_id: pod_sandbox_id.to_string(),
            config: Some(config),
            sandbox_config: Some(sandbox_config),
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().create_container(request(msg, self.timeout)),
        )
        .await?;
        if reply.container_id.is_empty() {
            return Err(Error::invalid_reply(M, "container_id is empty"));
        }
        Ok(reply.container_id)
    }

    /// `StartContainer`.
    pub async fn start_container(&self, container_id: &str) -> Result<()> {
        require_id("container ID", container_id)?;
        let msg = api::StartContainerRequest {
            container_id: container_id.to_string(),
        };
        unary(
            "StartContainer",
            self.timeout,
            self.client().start_container(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `StopContainer`: signals the container and kills it after `grace_seconds`. Idempotent.
    pub async fn stop_container(&self, container_id: &str, grace_seconds: i64) -> Result<()> {
        require_id("container ID", container_id)?;
        let grace = grace_seconds.max(0);
        let msg = api::StopContainerRequest {
            container_id: container_id.to_string(),
            timeout: grace,
        };
        // The runtime may legitimately take the whole grace period.
        let deadline = self.timeout + Duration::from_secs(grace as u64);
        unary(
            "StopContainer",
            deadline,
            self.client().stop_container(request(msg, deadline)),
        )
        .await?;
        Ok(())
    }

    /// `RemoveContainer`. Idempotent.
    pub async fn remove_container(&self, container_id: &str) -> Result<()> {
        require_id("container ID", container_id)?;
        let msg = api::RemoveContainerRequest {
            container_id: container_id.to_string(),
        };
        unary(
            "RemoveContainer",
            self.timeout,
            self.client().remove_container(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `ListContainers`.
    pub async fn list_containers(
        &self,
        filter: Option<api::ContainerFilter>,
    ) -> Result<Vec<api::Container>> {
        let msg = api::ListContainersRequest { filter };
        let reply = unary(
            "ListContainers",
            self.timeout,
            self.client().list_containers(request(msg, self.timeout)),
        )
        .await?;
        Ok(reply.containers)
    }

    /// `ContainerStatus`.
    pub async fn container_status(
        &self,
        container_id: &str,
        verbose: bool,
    ) -> Result<api::ContainerStatusResponse> {
        const M: &str = "ContainerStatus";
        require_id("container ID", container_id)?;
        let msg = api::ContainerStatusRequest {
            container_id: container_id.to_string(),
            verbose,
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().container_status(request(msg, self.timeout)),
        )
        .await?;
        match &reply.status {
            None => Err(Error::invalid_reply(M, "status is missing")),
            Some(status) if status.id.is_empty() => {
                Err(Error::invalid_reply(M, "status.id is empty"))
            }
            Some(_) => Ok(reply),
        }
    }

    /// `UpdateContainerResources`.
    pub async fn update_container_resources(
        &self,
        container_id: &str,
        linux: api::LinuxContainerResources,
    ) -> Result<()> {
        require_id("container ID", container_id)?;
        let msg = api::UpdateContainerResourcesRequest {
            container_id: container_id.to_string(),
            linux: Some(linux),
            annotations: Default::default(),
        };
        unary(
            "UpdateContainerResources",
            self.timeout,
            self.client()
                .update_container_resources(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `ReopenContainerLog`: asks the runtime to reopen the container's log file (after
    /// rotation).
    pub async fn reopen_container_log(&self, container_id: &str) -> Result<()> {
        require_id("container ID", container_id)?;
        let msg = api::ReopenContainerLogRequest {
            container_id: container_id.to_string(),
        };
        unary(
            "ReopenContainerLog",
            self.timeout,
            self.client()
                .reopen_container_log(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `ExecSync`: runs `cmd` in the container and returns its output and exit code. `timeout`
    /// bounds the command (whole seconds, at least one); `None` lets it run without limit.
    pub async fn exec_sync(
        &self,
        container_id: &str,
        cmd: Vec<String>,
        timeout: Option<Duration>,
    ) -> Result<api::ExecSyncResponse> {
        require_id("container ID", container_id)?;
        if cmd.is_empty() {
            return Err(Error::InvalidArgument("exec command is empty".into()));
        }
        let seconds = timeout.map(|t| t.as_secs().max(1)).unwrap_or(0);
        let msg = api::ExecSyncRequest {
            container_id: container_id.to_string(),
            cmd,
            timeout: i64::try_from(seconds).unwrap_or(i64::MAX),
        };
        let deadline = match timeout {
            Some(_) => self.timeout + Duration::from_secs(seconds),
            // No command limit: only the local deadline of a day guards against a hung runtime.
            None => Duration::from_secs(24 * 3600),
        };
        unary(
            "ExecSync",
            deadline,
            self.client().exec_sync(request(msg, deadline)),
        )
        .await
    }

    /// `Exec`: prepares a streaming exec session; returns the URL to stream from.
    pub async fn exec(&self, req: api::ExecRequest) -> Result<String> {
        const M: &str = "Exec";
        require_id("container ID", &req.container_id)?;
        if req.cmd.is_empty() {
            return Err(Error::InvalidArgument("exec command is empty".into()));
        }
        let reply = unary(
            M,
            self.timeout,
            self.client().exec(request(req, self.timeout)),
        )
        .await?;
        require_url(M, reply.url)
    }

    /// `Attach`: prepares a streaming attach session; returns the URL to stream from.
    pub async fn attach(&self, req: api::AttachRequest) -> Result<String> {
        const M: &str = "Attach";
        require_id("container ID", &req.container_id)?;
        let reply = unary(
            M,
            self.timeout,
            self.client().attach(request(req, self.timeout)),
        )
        .await?;
        require_url(M, reply.url)
    }

    /// `PortForward`: prepares a port-forward session into the sandbox; returns the URL.
    pub async fn port_forward(&self, pod_sandbox_id: &str, ports: Vec<i32>) -> Result<String> {
        const M: &str = "PortForward";
        require_id("pod sandbox ID", pod_sandbox_id)?;
        let msg = api::PortForwardRequest {
            pod_sandbox_id: pod_sandbox_id.to_string(),
            port: ports,
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().port_forward(request(msg, self.timeout)),
        )
        .await?;
        require_url(M, reply.url)
    }

    /// `ContainerStats`.
    pub async fn container_stats(&self, container_id: &str) -> Result<api::ContainerStats> {
        const M: &str = "ContainerStats";
        require_id("container ID", container_id)?;
        let msg = api::ContainerStatsRequest {
            container_id: container_id.to_string(),
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().container_stats(request(msg, self.timeout)),
        )
        .await?;
        reply
            .stats
            .ok_or_else(|| Error::invalid_reply(M, "stats is missing"))
    }

    /// `ListContainerStats`.
    pub async fn list_container_stats(
        &self,
        filter: Option<api::ContainerStatsFilter>,
    ) -> Result<Vec<api::ContainerStats>> {
        let msg = api::ListContainerStatsRequest { filter };
        let reply = unary(
            "ListContainerStats",
            self.timeout,
            self.client()
                .list_container_stats(request(msg, self.timeout)),
        )
        .await?;
        Ok(reply.stats)
    }
}

/// Client for `runtime.v1.ImageService`.
#[derive(Clone)]
pub struct ImageClient {
    inner: ImageServiceClient<Channel>,
    timeout: Duration,
    pull_timeout: Duration,
}

impl std::fmt::Debug for ImageClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageClient")
            .field("timeout", &self.timeout)
            .field("pull_timeout", &self.pull_timeout)
            .finish_non_exhaustive()
    }
}

impl ImageClient {
    /// Connects to the runtime's unix socket.
    pub async fn connect(path: impl AsRef<Path>) -> Result<ImageClient> {
        Ok(ImageClient::from_channel(connect_channel(path).await?))
    }

    /// Wraps an existing channel.
    pub fn from_channel(channel: Channel) -> ImageClient {
        let inner = ImageServiceClient::new(channel)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        ImageClient {
            inner,
            timeout: DEFAULT_TIMEOUT,
            pull_timeout: Duration::from_secs(30 * 60),
        }
    }

    /// Sets the deadline for calls other than pulls.
    pub fn with_timeout(mut self, timeout: Duration) -> ImageClient {
        self.timeout = timeout;
        self
    }

    /// Sets the deadline for pulls (default 30 minutes).
    pub fn with_pull_timeout(mut self, timeout: Duration) -> ImageClient {
        self.pull_timeout = timeout;
        self
    }

    fn client(&self) -> ImageServiceClient<Channel> {
        self.inner.clone()
    }

    /// `ListImages`.
    pub async fn list_images(&self, filter: Option<api::ImageFilter>) -> Result<Vec<api::Image>> {
        let msg = api::ListImagesRequest { filter };
        let reply = unary(
            "ListImages",
            self.timeout,
            self.client().list_images(request(msg, self.timeout)),
        )
        .await?;
        Ok(reply.images)
    }

    /// `ImageStatus`: the image, or `None` when the runtime does not have it.
    pub async fn image_status(&self, image: &str) -> Result<Option<api::Image>> {
        const M: &str = "ImageStatus";
        require_id("image", image)?;
        let msg = api::ImageStatusRequest {
            image: Some(image_spec(image)),
            verbose: false,
        };
        let reply = unary(
            M,
            self.timeout,
            self.client().image_status(request(msg, self.timeout)),
        )
        .await?;
        match reply.image {
            Some(img) if img.id.is_empty() => Err(Error::invalid_reply(M, "image.id is empty")),
            other => Ok(other),
        }
    }

    /// `PullImage`: returns the image reference the runtime stored (normally the image ID).
    pub async fn pull_image(
        &self,
        image: &str,
        auth: Option<api::AuthConfig>,
        sandbox_config: Option<api::PodSandboxConfig>,
    ) -> Result<String> {
        const M: &str = "PullImage";
        require_id("image", image)?;
        let msg = api::PullImageRequest {
            image: Some(image_spec(image)),
            auth,
            sandbox_config,
        };
        let reply = unary(
            M,
            self.pull_timeout,
            self.client().pull_image(request(msg, self.pull_timeout)),
        )
        .await?;
        if reply.image_ref.is_empty() {
            return Err(Error::invalid_reply(M, "image_ref is empty"));
        }
        Ok(reply.image_ref)
    }

    /// `RemoveImage`. Idempotent.
    pub async fn remove_image(&self, image: &str) -> Result<()> {
        require_id("image", image)?;
        let msg = api::RemoveImageRequest {
            image: Some(image_spec(image)),
        };
        unary(
            "RemoveImage",
            self.timeout,
            self.client().remove_image(request(msg, self.timeout)),
        )
        .await?;
        Ok(())
    }

    /// `ImageFsInfo`: usage of the file systems that hold images.
    pub async fn image_fs_info(&self) -> Result<api::ImageFsInfoResponse> {
        unary(
            "ImageFsInfo",
            self.timeout,
            self.client()
                .image_fs_info(request(api::ImageFsInfoRequest {}, self.timeout)),
        )
        .await
    }
}

/// An `ImageSpec` naming `image`.
pub fn image_spec(image: &str) -> api::ImageSpec {
    api::ImageSpec {
        image: image.to_string(),
        ..Default::default()
    }
}

/// Polls `Version` on the socket until it answers or `timeout` passes.
pub async fn wait_until_serving(path: &Path, timeout: Duration) -> Result<api::VersionResponse> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last: Error;
    loop {
        last = match try_version(path).await {
            Ok(version) => return Ok(version),
            Err(e) => e,
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::Containerd(format!(
                "CRI at {} did not answer within {timeout:?}: {last}",
                path.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn try_version(path: &Path) -> Result<api::VersionResponse> {
    if !path.exists() {
        return Err(Error::io(
            format!("socket {}", path.display()),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    RuntimeClient::connect(path)
        .await?
        .with_timeout(Duration::from_secs(5))
        .version()
        .await
}

/// The socket path a `unix://` endpoint (as in `--container-runtime-endpoint`) names.
pub fn endpoint_path(endpoint: &str) -> Result<PathBuf> {
    let path = endpoint.strip_prefix("unix://").unwrap_or(endpoint);
    if path.is_empty() || !path.starts_with('/') {
        return Err(Error::InvalidArgument(format!(
            "runtime endpoint {endpoint:?} is not unix:///absolute/path"
        )));
    }
    Ok(PathBuf::from(path))
}
