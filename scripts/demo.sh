#!/usr/bin/env bash
# Command 1 of the README: build, make sure Docker runs, start a node on embedded defaults, pack
# the bundled example service, start an instance through the node, show that it answers, stop it,
# remove the service (and so its image) from the node, and stop the node. Pass --keep-node to
# leave the node running afterwards. Even when a step fails, the demo leaves no instance and no
# image behind.
set -euo pipefail
cd "$(dirname "$0")/.."
keep_node=false
[ "${1:-}" = "--keep-node" ] && keep_node=true

scripts/setup.sh
echo "== building (./mvnw package)"
./mvnw -q -B -ntp package -DskipTests

data_dir=.celaut/demo-node
mkdir -p "$data_dir"
export CELAUT_NODE=127.0.0.1:8090
echo "== starting a node (data in $data_dir, gateway on $CELAUT_NODE)"
bin/celaut node run --data-dir "$data_dir" --port 8090 >"$data_dir/node.log" 2>&1 &
node_pid=$!
token=""
service=""
cleanup() {
  if [ "$keep_node" = false ]; then
    # After a failed step: what was started is stopped and removed before the node goes.
    if [ -n "$token" ]; then bin/celaut stop "$token" >/dev/null 2>&1 || true; fi
    if [ -n "$service" ]; then bin/celaut services rm "$service" >/dev/null 2>&1 || true; fi
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
for _ in $(seq 1 60); do
  grep -q "listening on" "$data_dir/node.log" 2>/dev/null && break
  kill -0 "$node_pid" 2>/dev/null || { cat "$data_dir/node.log"; exit 1; }
  sleep 0.5
done

echo "== packing examples/hello-http"
examples/hello-http/prepare.sh
bin/celaut pack examples/hello-http

echo "== starting an instance"
start_json=$(bin/celaut start examples/hello-http/.service/build/hello-http.service --env GREETING="hello from a Celaut instance" --json)
echo "$start_json"
token=$(echo "$start_json" | grep -o '"token" : "[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
service=$(echo "$start_json" | grep -o '"service" : "[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
# The first address of the only slot: the port published on 127.0.0.1.
addr=$(echo "$start_json" | grep -o '"127\.0\.0\.1:[0-9]*"' | head -n 1 | tr -d '"')

echo "== asking the instance at http://$addr/cgi-bin/greet"
answer=""
for _ in $(seq 1 50); do
  answer=$(curl -fsS --max-time 2 "http://$addr/cgi-bin/greet" 2>/dev/null) && break
  sleep 0.2
done
echo "instance answered: $answer"
bin/celaut ls

echo "== stopping the instance"
bin/celaut stop "$token"
token=""
bin/celaut ls

echo "== removing the service and its image from the node"
bin/celaut services
bin/celaut services rm "$service"
service=""
if [ -z "$answer" ]; then echo "demo: the instance did not answer" >&2; exit 1; fi
if [ "$keep_node" = true ]; then echo "== node left running (pid $node_pid, CELAUT_NODE=$CELAUT_NODE)"; trap - EXIT; fi
echo "== done"
