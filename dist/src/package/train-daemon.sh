#!/usr/bin/env bash
# Build step (stage.sh): trains the daemon's AOT cache, lib/knock-server.aot, on the staged daemon doing its job:
# it starts on a config with a plain and a signed sequence in a network namespace of its own, is knocked by the
# staged client from a second one over a veth (a three-step knock and a signed one), admits both, answers a status
# request, and stops on SIGTERM; the JVM writes the cache as it exits. The daemon then maps its classes (netty's, the FFM downcalls' generated ones,
# bouncycastle's) from the cache instead of parsing them into metaspace: about 3.5 MiB less resident for as long
# as it runs, and it is ready in two thirds of the time (benchmarks/README.md, "The daemon").
# It needs root, ip and iptables-restore (a namespace and its netfilter rules); without them it says so and leaves
# no cache: the launcher then starts the daemon without one, as before. The namespaces use 198.18.0.0/24 only, are
# named per run, and are removed on exit; only the PIDs this script starts are stopped.
# Usage: train-daemon.sh STAGE   (the staged tree: bin/, lib/, runtime/)
set -euo pipefail
stage=$1
cache=$stage/lib/knock-server.aot
rm -f "$cache"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v iptables-restore >/dev/null; then
  echo "stage: no daemon AOT cache (training needs root, ip and iptables-restore; the daemon runs without one)"
  exit 0
fi
ns=knock-aot-fw-$$ client=knock-aot-cl-$$
tmp=$(mktemp -d)
daemon=
cleanup() {
  if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then kill -KILL "$daemon" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  ip netns del "$client" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
chmod 700 "$tmp"
namespaces() {
  ip netns add "$ns" && ip netns add "$client" \
    && ip -n "$ns" link add fw0 type veth peer name cl0 netns "$client" \
    && ip -n "$ns" addr add 198.18.0.1/24 dev fw0 && ip -n "$ns" addr add 198.18.0.11/24 dev fw0 \
    && ip -n "$client" addr add 198.18.0.2/24 dev cl0 \
    && ip -n "$ns" link set lo up && ip -n "$client" link set lo up \
    && ip -n "$ns" link set fw0 up && ip -n "$client" link set cl0 up
}
# A build box that cannot make namespaces (a container without them) builds without the cache; a failure after
# this point is a real one and fails the build.
if ! namespaces 2>"$tmp/netns.err"; then
  echo "stage: no daemon AOT cache (cannot make network namespaces here: $(head -1 "$tmp/netns.err"))"
  exit 0
fi

"$stage/bin/knock-server" keygen -f "$tmp/spa.key" > "$tmp/keygen.out"
server_key=$(awk '/^ServerKey / { print $2 }' "$tmp/keygen.out")
signed=
if command -v ssh-keygen >/dev/null; then
  ssh-keygen -q -t ed25519 -N '' -C knock-aot-training -f "$tmp/id_ed25519"
  cp "$tmp/id_ed25519.pub" "$tmp/authorized_keys"
  signed=1
fi
cat > "$tmp/knock-server.conf" <<CONF
[server]
control-socket = $tmp/control.sock
${signed:+spa-key = $tmp/spa.key
authorized-keys = $tmp/authorized_keys}
[sequence ssh]
steps = 7000/udp 8000/tcp 9000/udp
knock-address = 198.18.0.1
guard-address = 198.18.0.11
${signed:+[sequence spa]
spa-port = 62201
knock-address = 198.18.0.1
guard-address = 198.18.0.11
guard-port = 2222
list4 = spa4
list6 = spa6}
CONF
cat > "$tmp/knock.config" <<CONF
Host plain
    HostName 198.18.0.11
    KnockAddress 198.18.0.1
    Sequence 7000/udp 8000/tcp 9000/udp
Host spa
    HostName 198.18.0.11
    KnockAddress 198.18.0.1
    ServerKey $server_key
    SpaSequence spa
    IdentityFile $tmp/id_ed25519
CONF
if ! "$stage/bin/knock-server" rules --config "$tmp/knock-server.conf" | ip netns exec "$ns" iptables-restore \
    2>"$tmp/rules.err"; then
  echo "stage: no daemon AOT cache (cannot load a ruleset here: $(head -1 "$tmp/rules.err"))"
  exit 0
fi

KNOCK_AOT=off KNOCK_JAVA_OPTS="-XX:AOTCacheOutput=$cache -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining" \
  ip netns exec "$ns" "$stage/bin/knock-server" --config "$tmp/knock-server.conf" > "$tmp/daemon.log" 2>&1 &
daemon=$!
status() { ip netns exec "$ns" "$stage/bin/knock-server" status --socket "$tmp/control.sock" 2>/dev/null; }
for _ in $(seq 100); do status > /dev/null && break; sleep 0.1; done
status > /dev/null || { cat "$tmp/daemon.log" >&2; echo "stage: the daemon did not start for its AOT training" >&2; exit 1; }
admitted() { # LIST: whether the kernel's list holds the client's address
  ip netns exec "$ns" grep -q "src=198.18.0.2 " "/proc/net/xt_recent/$1" 2>/dev/null
}
ip netns exec "$client" "$stage/bin/knock" -F "$tmp/knock.config" plain
for _ in $(seq 50); do admitted ssh4 && break; sleep 0.1; done
admitted ssh4 || { cat "$tmp/daemon.log" >&2; echo "stage: the training knock was not admitted" >&2; exit 1; }
if [ -n "$signed" ]; then
  SSH_AUTH_SOCK= ip netns exec "$client" "$stage/bin/knock" -F "$tmp/knock.config" spa
  for _ in $(seq 50); do admitted spa4 && break; sleep 0.1; done
  admitted spa4 || { cat "$tmp/daemon.log" >&2; echo "stage: the signed training knock was not admitted" >&2; exit 1; }
fi
status > /dev/null
kill -TERM "$daemon"
wait "$daemon" || true
daemon=
[ -s "$cache" ] || { cat "$tmp/daemon.log" >&2; echo "stage: the daemon wrote no AOT cache" >&2; exit 1; }
# The cache must map, or it is dead weight: AOTMode=on fails instead of starting without it.
KNOCK_AOT=off KNOCK_JAVA_OPTS="-XX:AOTCache=$cache -XX:AOTMode=on" "$stage/bin/knock-server" --version >/dev/null
echo "stage: daemon AOT cache trained on a plain${signed:+ and a signed} knock: $(du -h "$cache" | cut -f1)"
