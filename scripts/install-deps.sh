#!/usr/bin/env bash
# Installs every system package Rudder's build, tests and demo need, from Debian's packages.
# Idempotent: does nothing when everything is already present. Run as root (or with sudo).
set -euo pipefail

# Debian packages and the command each provides (checked before touching apt).
packages=(
  "gcc:gcc"                 # C compiler for the bundled SQLite and ring
  "libc6-dev:"              # C headers for the same
  "pkg-config:pkg-config"
  "ca-certificates:"
  "curl:curl"               # used by the demo and benchmarks against loopback
  "procps:ps"
  "containerd:containerd"   # container runtime (CRI) the node agent supervises; ships ctr
  "runc:runc"               # OCI runtime containerd starts containers with
  "containernetworking-plugins:" # CNI plugins in /usr/lib/cni (bridge, host-local, loopback, portmap)
  "busybox-static:busybox"  # static busybox: the offline busybox image is built from it
  "iproute2:ip"             # network namespaces and routes
  "nftables:nft"            # service proxy and network policy rules
  "util-linux:nsenter"      # multi-node tests run agents in network namespaces
  "redis-server:"           # the voting app's redis image is built from Debian's binary
  "postgresql-15:"          # the voting app's postgres image, likewise
  "chromium:chromium"       # the voting app's end-to-end test loads the result page headless
  "docker-registry:docker-registry" # a private registry on loopback for the image-pull tests
)

missing=()
for entry in "${packages[@]}"; do
  pkg=${entry%%:*}
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Packages are installed for their programs, not as services: keep apt from starting
  # redis, postgres and the registry (a policy-rc.d that says no, removed again afterwards).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "install-deps: cargo (the Rust toolchain) is required and was not found on PATH" >&2
  exit 1
fi
# The end-to-end tests drive the real kubectl (1.32).
if ! [ -x /usr/bin/kubectl ]; then
  echo "install-deps: /usr/bin/kubectl is required for the end-to-end tests and was not found" >&2
  exit 1
fi
echo "install-deps: all dependencies present"
