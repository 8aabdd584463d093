#!/usr/bin/env bash
# Brings up a single-node Rudder cluster on 127.0.0.1:6443 (control plane + node agent running
# real containers through containerd) and deploys the Example Voting App (vote -> redis ->
# worker -> postgres -> result) with the real kubectl, from images built offline by this
# repository. The cluster keeps running; stop it with: scripts/demo.sh stop
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

cargo build --release --quiet -p rudder -p voting-app -p voting-images
mkdir -p "$DATA_DIR/agent/images"
# The app's images as archives the node agent imports when it starts (unchanged ones are
# skipped).
./target/release/voting-images --out "$DATA_DIR/agent/images" --bin-dir target/release
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
kubectl apply -k examples/voting-app/overlays/local
for d in redis db vote worker result; do
  kubectl -n voting rollout status "deployment/$d" --timeout=180s
done
kubectl -n voting get deployments,pods,services,pvc -o wide
# One vote through the vote Service, then the tally from the result Service.
vote_ip=$(kubectl -n voting get service vote -o jsonpath='{.spec.clusterIP}')
result_ip=$(kubectl -n voting get service result -o jsonpath='{.spec.clusterIP}')
curl -s --max-time 5 -o /dev/null -w "vote: HTTP %{http_code}\n" -d vote=a "http://$vote_ip:5000/"
sleep 2
echo "tally: $(curl -s --max-time 5 "http://$result_ip:5001/api/results")"
node_ip=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
echo
echo "Vote:   http://$node_ip:31000/"
echo "Result: http://$node_ip:31001/"
echo "Rudder is running (pid $(cat "$DATA_DIR/rudder.pid")). Use it with:"
echo "  export KUBECONFIG=$KUBECONFIG"
echo "Stop it and remove its containers with: scripts/demo.sh stop"
