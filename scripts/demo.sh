#!/usr/bin/env bash
# Brings up a single-node Rudder cluster on 127.0.0.1:6443 (control plane + node agent running
# real containers through containerd) and deploys a two-replica web app with the real kubectl.
# The cluster keeps running; stop it with: scripts/demo.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:-$HOME/.rudder}
PORT=${PORT:-6443}
RUDDER=./target/release/rudder
export KUBECONFIG="$DATA_DIR/kubeconfig.yaml"

if [ "${1:-}" = "stop" ]; then
  if [ -f "$DATA_DIR/rudder.pid" ]; then
    kill "$(cat "$DATA_DIR/rudder.pid")" 2>/dev/null || true
    while kill -0 "$(cat "$DATA_DIR/rudder.pid")" 2>/dev/null; do sleep 0.1; done
    rm -f "$DATA_DIR/rudder.pid"
  fi
  "$RUDDER" killall --data-dir "$DATA_DIR"
  exit 0
fi

cargo build --release --quiet --bin rudder
mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/rudder.pid" ] && kill -0 "$(cat "$DATA_DIR/rudder.pid")" 2>/dev/null; then
  echo "demo: rudder already running (pid $(cat "$DATA_DIR/rudder.pid"))"
else
  nohup "$RUDDER" server --data-dir "$DATA_DIR" --bind-address 127.0.0.1 --port "$PORT" \
    >"$DATA_DIR/server.log" 2>&1 &
  echo $! >"$DATA_DIR/rudder.pid"
fi
for _ in $(seq 1 300); do
  [ -f "$KUBECONFIG" ] && kubectl get nodes 2>/dev/null | grep -q " Ready" && break
  sleep 0.1
done
kubectl version
kubectl get nodes -o wide
kubectl apply -f examples/hello.yaml
kubectl rollout status deployment/hello --timeout=120s
kubectl get deployments,pods,endpoints -o wide
ip=$(kubectl get pods -l app=hello -o jsonpath='{.items[0].status.podIP}')
echo "GET http://$ip:8080/ (a pod's address on the node's pod network):"
curl -s --max-time 5 "http://$ip:8080/"
echo
echo "Rudder is running (pid $(cat "$DATA_DIR/rudder.pid")). Use it with:"
echo "  export KUBECONFIG=$KUBECONFIG"
echo "Stop it and remove its containers with: scripts/demo.sh stop"
