#!/usr/bin/env bash
# The project's test command: formatting, lints, then every unit and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The end-to-end tests run the workspace's programs (rudder, and the voting app's vote, worker,
# result and voting-images); cargo builds a package's binaries only for its own tests.
cargo build --workspace --bins
# End-to-end tests start their own servers on free loopback ports; two at a time fits 2 cores.
cargo test --workspace -- --test-threads=2
