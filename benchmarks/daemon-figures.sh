#!/usr/bin/env bash
# Prints the daemon's figures: idle RSS and CPU, and the time from a knock's last packet to the list write
# (the daemon logs it on each admission), over KNOCKS three-step UDP knocks sent by bash's /dev/udp: a sender
# that costs no CPU to speak of, so the figure is the daemon's, not a client JVM's start-up competing for cores.
# Two namespaces of its own joined by a veth (198.18.0.0/24 only), cleaned up on exit, PIDs it started only.
# Needs root and a build (./mvnw package -DskipTests). Usage: benchmarks/daemon-figures.sh [KNOCKS]
set -euo pipefail
cd "$(dirname "$0")/.."
knocks=${1:-30}
fw="kfig$$-fw" cl="kfig$$-cl" tmp=$(mktemp -d) daemon=
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  ip netns del "$fw" 2>/dev/null || true
  ip netns del "$cl" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "daemon-figures: needs root (network namespaces)" >&2; exit 1; }

ip netns add "$fw"; ip netns add "$cl"
ip link add kfig$$a netns "$fw" type veth peer name kfig$$b netns "$cl"
ip -n "$fw" link set lo up; ip -n "$cl" link set lo up
ip -n "$fw" addr add 198.18.0.1/24 dev kfig$$a; ip -n "$fw" addr add 198.18.0.11/24 dev kfig$$a
ip -n "$cl" addr add 198.18.0.2/24 dev kfig$$b
ip -n "$fw" link set kfig$$a up; ip -n "$cl" link set kfig$$b up

cat > "$tmp/knock-server.conf" <<CONF
[server]
control-socket = $tmp/control.sock
[sequence ssh]
steps = 7000/udp 8000/udp 9000/udp
knock-address = 198.18.0.1
guard-address = 198.18.0.11
hold-off = 0
window = 90s
CONF
dist/bin/knock-server rules --config "$tmp/knock-server.conf" | ip netns exec "$fw" iptables-restore
ip netns exec "$fw" dist/bin/knock-server --config "$tmp/knock-server.conf" > "$tmp/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do grep -q '<6>start' "$tmp/daemon.log" && break; sleep 0.1; done
grep -q '<6>start' "$tmp/daemon.log" || { cat "$tmp/daemon.log"; exit 1; }

sleep 5 # let start-up JIT settle
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
before=$(cpu); sleep 10; after=$(cpu)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status")
echo "idle: RSS $((rss / 1024)) MiB, CPU $(( (after - before) * 1000 / ticks / 10 )) ms per second over 10 s"

for i in $(seq "$knocks"); do
  # each knock re-admits (a refresh): hold-off is 0, so every completion is logged with its latency
  ip netns exec "$cl" bash -c 'for p in 7000 8000 9000; do echo k > /dev/udp/198.18.0.1/$p; done'
  sleep 0.05
done
sleep 0.5
grep -o 'latency=[0-9]*us' "$tmp/daemon.log" | tr -dc '0-9\n' | sort -n > "$tmp/lat"
n=$(wc -l < "$tmp/lat")
[ "$n" -gt 0 ] || { echo "no admissions logged"; cat "$tmp/daemon.log"; exit 1; }
echo "last packet -> list write over $n admissions: median $(sed -n "$(( (n + 1) / 2 ))p" "$tmp/lat") us," \
  "p90 $(sed -n "$(( (n * 9 + 9) / 10 ))p" "$tmp/lat") us, max $(tail -1 "$tmp/lat") us"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status")
echo "after the knocks: RSS $((rss / 1024)) MiB"
