#!/usr/bin/env bash
# Build step (stage.sh): trains the daemon's AOT cache, lib/knock-server.aot, on the staged daemon doing its job:
# it starts on a config with a plain and a signed sequence in a network namespace of its own, is knocked by the
# staged client from another (a three-step knock and a signed one), admits both, answers a status request, and
# stops on SIGTERM; the JVM writes the cache as it exits. The daemon then maps its classes (netty's, the FFM
# downcalls' generated ones, bouncycastle's) from the cache instead of parsing them into metaspace: 1.5 MiB less
# resident for as long as it runs, and ready in two thirds of the time (benchmarks/README.md, "The daemon").
# It needs root, ip and iptables-restore (namespaces and their netfilter rules); without them, or where namespaces
# cannot be made, it says so and leaves no cache: the launcher then starts the daemon without one, as before. The
# namespaces come from scripts/netns.sh (198.18.0.0/24 only, named per run, removed on exit, our pids only).
# Usage: train-daemon.sh STAGE   (the staged tree: bin/, lib/, runtime/)
set -euo pipefail
stage=$1
cache=$stage/lib/knock-server.aot
rm -f "$cache"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v iptables-restore >/dev/null; then
  echo "stage: no daemon AOT cache (training needs root, ip and iptables-restore; the daemon runs without one)"
  exit 0
fi
# The project's namespace fixture (demo.sh, check-package.sh and compare.sh use it too): fw, client and scanner
# on a bridge, 198.18.0.0/24 only, named per run; it stops by pid what it started and deletes what it made.
# shellcheck source=../../../scripts/netns.sh
. "$(cd "$(dirname "$0")/../../.." && pwd)/scripts/netns.sh"
tmp=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
netns_stale knock-aot-
# A build box that cannot make namespaces (a container without them) builds without the cache; a failure after
# this point is a real one and fails the build.
if ! netns_create knock-aot- 2>"$tmp/netns.err"; then
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
if ! "$stage/bin/knock-server" rules --config "$tmp/knock-server.conf" | ip netns exec "$NS_FW" iptables-restore \
    2>"$tmp/rules.err"; then
  echo "stage: no daemon AOT cache (cannot load a ruleset here: $(head -1 "$tmp/rules.err"))"
  exit 0
fi

netns_start "$NS_FW" "$tmp/daemon.log" env KNOCK_AOT=off \
  KNOCK_JAVA_OPTS="-XX:AOTCacheOutput=$cache -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining" \
  "$stage/bin/knock-server" --config "$tmp/knock-server.conf"
daemon=$NETNS_LAST
failed() { cat "$tmp/daemon.log" >&2; echo "stage: $1" >&2; exit 1; }
status() { ip netns exec "$NS_FW" "$stage/bin/knock-server" status --socket "$tmp/control.sock" >/dev/null 2>&1; }
admitted() { ip netns exec "$NS_FW" grep -q "src=198.18.0.2 " "/proc/net/xt_recent/$1" 2>/dev/null; }
netns_until 10 status || failed "the daemon did not start for its AOT training"
ip netns exec "$NS_CLIENT" "$stage/bin/knock" -F "$tmp/knock.config" plain
netns_until 5 admitted ssh4 || failed "the training knock was not admitted"
if [ -n "$signed" ]; then
  SSH_AUTH_SOCK= ip netns exec "$NS_CLIENT" "$stage/bin/knock" -F "$tmp/knock.config" spa
  netns_until 5 admitted spa4 || failed "the signed training knock was not admitted"
fi
status
kill -TERM "$daemon"
wait "$daemon" || true
[ -s "$cache" ] || failed "the daemon wrote no AOT cache"
# The cache must map, or it is dead weight: AOTMode=on fails instead of starting without it.
KNOCK_AOT=off KNOCK_JAVA_OPTS="-XX:AOTCache=$cache -XX:AOTMode=on" "$stage/bin/knock-server" --version >/dev/null
echo "stage: daemon AOT cache trained on a plain${signed:+ and a signed} knock: $(du -h "$cache" | cut -f1)"
