#!/usr/bin/env bash
# Brings up a single-node Rudder cluster on 127.0.0.1:6443 and runs the demo workload against it
# with the real kubectl. The server keeps running; stop it with: kill "$(cat "$DATA_DIR/rudder.pid")"
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:-$HOME/.rudder}
PORT=${PORT:-6443}
cargo build --release --quiet --bin rudder
mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/rudder.pid" ] && kill -0 "$(cat "$DATA_DIR/rudder.pid")" 2>/dev/null; then
  echo "demo: rudder already running (pid $(cat "$DATA_DIR/rudder.pid"))"
else
  nohup ./target/release/rudder server --data-dir "$DATA_DIR" --bind-address 127.0.0.1 --port "$PORT" \
    >"$DATA_DIR/server.log" 2>&1 &
  echo $! >"$DATA_DIR/rudder.pid"
fi
export KUBECONFIG="$DATA_DIR/kubeconfig.yaml"
for _ in $(seq 1 100); do
  [ -f "$KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1 && break
  sleep 0.1
done
kubectl version
kubectl apply -f examples/web.yaml
kubectl get deployments,services,configmaps -o wide
kubectl describe deployment web | head -30
echo
echo "Rudder is running (pid $(cat "$DATA_DIR/rudder.pid")). Use it with:"
echo "  export KUBECONFIG=$KUBECONFIG"
