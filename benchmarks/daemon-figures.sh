#!/usr/bin/env bash
# Prints the daemon's figures: idle RSS and CPU; the time from a knock's last packet to the list write as the
# daemon logs it (latency=); and knock-to-open measured from outside, the daemon against the floor in the same
# run: a tiny C sniffer on a raw AF_PACKET socket (before netfilter, no filter) that writes +ADDR to a list of
# its own on the last packet of its knock. benchmarks/src/c/floor.c sends ROUNDS three-step UDP knocks from the
# client namespace, alternating daemon and floor, and times each from the last packet's send until the list
# holds the client (read every 20 us), with knocks 20 ms apart (cold, as a user's are) and 1 ms apart (warm).
# The issue's target: daemon median within 1.2x the floor's.
# Two namespaces of its own joined by a veth (198.18.0.0/24 only), cleaned up on exit, PIDs it started only.
# Needs root, a C compiler (gcc is installed if missing) and a build (./mvnw package -DskipTests).
# Usage: benchmarks/daemon-figures.sh [ROUNDS]   (ROUNDS of each kind, default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-100}
fw="kfig$$-fw" cl="kfig$$-cl" tmp=$(mktemp -d) daemon= sniffer=
cleanup() {
  [ -n "$sniffer" ] && kill "$sniffer" 2>/dev/null && wait "$sniffer" 2>/dev/null || true
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  ip netns del "$fw" 2>/dev/null || true
  ip netns del "$cl" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "daemon-figures: needs root (network namespaces)" >&2; exit 1; }
if ! command -v cc >/dev/null 2>&1; then
  # shellcheck source=../scripts/prereqs.sh
  . scripts/prereqs.sh
  knock_apt_install gcc libc6-dev
fi
cc -O2 -Wall -o "$tmp/floor" benchmarks/src/c/floor.c

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
# A list for the floor: it exists while a rule names it (this one matches nothing that matters).
ip netns exec "$fw" iptables -A OUTPUT -m recent --name floor4 --rcheck
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

ip netns exec "$fw" "$tmp/floor" sniff floor4 5200 &
sniffer=$!
# Warm-up (JIT), then the measured rounds, alternating daemon and floor in one run: knocks 20 ms apart, as a
# user's are (rare: every path runs cold), then 1 ms apart (warm: what the path itself costs).
ip netns exec "$cl" "$tmp/floor" probe "/proc/$daemon/net" 40 > /dev/null
stats() { # KIND: "median p90 count lost" in us
  grep "^$1 " "$tmp/rounds" | awk '{print $2}' | grep -v lost | sort -n > "$tmp/us-$1"
  n=$(wc -l < "$tmp/us-$1")
  lost=$(grep -c "^$1 lost" "$tmp/rounds" || true)
  [ "$n" -gt 0 ] || { echo "no $1 round completed"; exit 1; }
  echo "$(sed -n "$(( (n + 1) / 2 ))p" "$tmp/us-$1") $(sed -n "$(( (n * 9 + 9) / 10 ))p" "$tmp/us-$1") $n $lost"
}
for pause in 20 1; do
  ip netns exec "$cl" "$tmp/floor" probe "/proc/$daemon/net" $((2 * rounds)) "$pause" > "$tmp/rounds"
  read -r dmed dp90 dn dlost < <(stats daemon)
  read -r fmed fp90 fn flost < <(stats floor)
  echo "knock-to-open, knocks ${pause} ms apart, last packet sent -> list holds the client (polled every 20 us):"
  echo "  daemon (NFLOG in INPUT -> event loop -> list): median $dmed us, p90 $dp90 us over $dn rounds, $dlost lost"
  echo "  floor  (raw AF_PACKET sniffer -> list):        median $fmed us, p90 $fp90 us over $fn rounds, $flost lost"
  awk -v d="$dmed" -v f="$fmed" 'BEGIN { printf "  ratio daemon/floor (medians): %.2f (target: at most 1.2)\n", d / f }'
done
grep -o 'latency=[0-9]*us' "$tmp/daemon.log" | tr -dc '0-9\n' | sort -n > "$tmp/lat"
n=$(wc -l < "$tmp/lat")
[ "$n" -gt 0 ] || { echo "no admissions logged"; cat "$tmp/daemon.log"; exit 1; }
echo "daemon's own figure, packet in user space -> list write over $n admissions: median" \
  "$(sed -n "$(( (n + 1) / 2 ))p" "$tmp/lat") us, p90 $(sed -n "$(( (n * 9 + 9) / 10 ))p" "$tmp/lat") us"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status")
echo "after the knocks: RSS $((rss / 1024)) MiB"
