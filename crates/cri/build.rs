//! Build steps for the `cri` crate:
//! 1. compile `proto/runtime/v1/api.proto` with `protox` (a pure-Rust protobuf compiler, so no
//!    system `protoc` is needed) and generate the tonic client stubs from its descriptors;
//! 2. compile the pod sandbox program `pause/pause.c` into a static executable that the crate
//!    embeds and packs into the `rudder.local/pause` image.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=proto/runtime/v1/api.proto");
    println!("cargo:rerun-if-changed=pause/pause.c");
    println!("cargo:rerun-if-env-changed=CC");

    let descriptors = protox::compile(["runtime/v1/api.proto"], ["proto"])
        .unwrap_or_else(|e| panic!("compiling proto/runtime/v1/api.proto: {e:?}"));
    tonic_prost_build::configure()
        .build_server(false)
        .build_client(true)
        .compile_fds(descriptors)
        .unwrap_or_else(|e| panic!("generating the CRI client: {e}"));

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let pause = out.join("pause");
    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let output = Command::new(&cc)
        .args(["-static", "-Os", "-s", "-Wall", "-Wextra", "-o"])
        .arg(&pause)
        .arg("pause/pause.c")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "running the C compiler `{cc}` for pause/pause.c: {e} (install gcc and libc6-dev)"
            )
        });
    if !output.status.success() {
        panic!(
            "`{cc} -static` failed for pause/pause.c (is the static libc, Debian libc6-dev, installed?):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
