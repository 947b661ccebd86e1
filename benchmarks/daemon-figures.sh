#!/usr/bin/env bash
# Prints the daemon's figures: idle RSS and CPU; the time from a knock's last packet to the list write as the
# daemon logs it (latency=); and knock-to-open measured from outside, the daemon against the floor in the same
# run: a tiny C sniffer on a raw AF_PACKET socket (before netfilter, no filter) that writes +ADDR to a list of
# its own on the last packet of its knock. benchmarks/src/c/floor.c sends ROUNDS three-step UDP knocks from the
# client namespace, alternating daemon and floor, and times each from the last packet's send until the list
# holds the client (read every 20 us), with knocks 20 ms apart (cold, as a user's are) and 1 ms apart (warm).
# The issue's target: daemon median within 1.2x the floor's.
# Then a bounded spoofed flood (floor.c flood: UDP to the knock ports and their neighbours from random sources in
# 198.18.0.0/24, FLOOD_SECONDS <= 20 s at FLOOD_PPS, 0 = as fast as one sender goes) while the client knocks once a
# second: the daemon's CPU per packet received, its RSS before, at the peak and after, and the knocks lost.
# Two namespaces of its own joined by a veth (198.18.0.0/24 only), cleaned up on exit, PIDs it started only.
# Needs root, a C compiler (gcc is installed if missing) and a build (./mvnw package -DskipTests).
# Usage: benchmarks/daemon-figures.sh [ROUNDS]   (ROUNDS of each kind, default 100; FLOOD_SECONDS=0 skips the flood)
# Each round also knocks an "nflog floor": the C sniffer reading an nflog group copied by an NFLOG rule at the
# daemon rules' place in INPUT (what the kernel's NFLOG path costs, without a JVM).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-100}
flood_seconds=${FLOOD_SECONDS:-20} flood_pps=${FLOOD_PPS:-0}
fw="kfig$$-fw" cl="kfig$$-cl" tmp=$(mktemp -d) daemon= sniffer= nflogger= flooder= prober=
cleanup() {
  [ -n "$flooder" ] && kill "$flooder" 2>/dev/null || true
  [ -n "$prober" ] && kill "$prober" 2>/dev/null || true
  [ -n "$sniffer" ] && kill "$sniffer" 2>/dev/null && wait "$sniffer" 2>/dev/null || true
  [ -n "$nflogger" ] && kill "$nflogger" 2>/dev/null && wait "$nflogger" 2>/dev/null || true
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
# And for the nflog floor: the same C sniffer reading an nflog group of its own, copied by an NFLOG rule at the
# daemon's rules' place in INPUT (after loopback and RELATED,ESTABLISHED): the kernel's path without a JVM.
ip netns exec "$fw" iptables -A OUTPUT -m recent --name nflog4 --rcheck
ip netns exec "$fw" iptables -I INPUT 3 -p udp -m udp --dport 5500 -j NFLOG --nflog-group 7777
ip netns exec "$fw" dist/bin/knock-server --config "$tmp/knock-server.conf" > "$tmp/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do grep -q '<6>start' "$tmp/daemon.log" && break; sleep 0.1; done
grep -q '<6>start' "$tmp/daemon.log" || { cat "$tmp/daemon.log"; exit 1; }

sleep 5 # let start-up JIT settle
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$daemon/status"; }
# Wake-ups: each thread's context switches (voluntary and not), from /proc/PID/task/TID/status.
switches() {
  for task in /proc/"$daemon"/task/*; do
    printf '%s %s ' "${task##*/}" "$(tr ' ' _ < "$task/comm")"
    awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print v + n}' "$task/status"
  done | sort
}
switches > "$tmp/sw0"; before=$(cpu); sleep 20; after=$(cpu); switches > "$tmp/sw1"
echo "idle: RSS $(( $(rss_kib) / 1024 )) MiB, $(ls "/proc/$daemon/task" | wc -l) threads," \
  "CPU $(( (after - before) * 1000 / ticks / 20 )) ms per second over 20 s"
join <(awk '{print $1 "/" $2, $3}' "$tmp/sw0") <(awk '{print $1 "/" $2, $3}' "$tmp/sw1") \
  | awk '{d = $3 - $2; all += d; if (d > 0) w = w sprintf(" %s %.2f", substr($1, index($1, "/") + 1), d / 20)}
         END {printf "  wake-ups %.2f per second (target: at most 1):%s\n", all / 20, w}'

ip netns exec "$fw" "$tmp/floor" sniff floor4 5200 &
sniffer=$!
ip netns exec "$fw" "$tmp/floor" nflog nflog4 5500 7777 &
nflogger=$!
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
  ip netns exec "$cl" "$tmp/floor" probe "/proc/$daemon/net" $((3 * rounds)) "$pause" 3 > "$tmp/rounds"
  read -r dmed dp90 dn dlost < <(stats daemon)
  read -r fmed fp90 fn flost < <(stats floor)
  read -r nmed np90 nn nlost < <(stats nflog)
  echo "knock-to-open, knocks ${pause} ms apart, last packet sent -> list holds the client (polled every 20 us):"
  echo "  daemon (NFLOG in INPUT -> event loop -> list): median $dmed us, p90 $dp90 us over $dn rounds, $dlost lost"
  echo "  floor  (raw AF_PACKET sniffer -> list):        median $fmed us, p90 $fp90 us over $fn rounds, $flost lost"
  echo "  nflog floor (C, NFLOG in INPUT -> list):       median $nmed us, p90 $np90 us over $nn rounds, $nlost lost"
  awk -v d="$dmed" -v f="$fmed" -v n="$nmed" 'BEGIN { printf "  ratio daemon/floor (medians): %.2f (target: at most 1.2); daemon/nflog floor: %.2f; nflog floor/floor: %.2f\n", d / f, d / n, n / f }'
done
grep -o 'latency=[0-9]*us' "$tmp/daemon.log" | tr -dc '0-9\n' | sort -n > "$tmp/lat"
n=$(wc -l < "$tmp/lat")
[ "$n" -gt 0 ] || { echo "no admissions logged"; cat "$tmp/daemon.log"; exit 1; }
echo "daemon's own figure, packet in user space -> list write over $n admissions: median" \
  "$(sed -n "$(( (n + 1) / 2 ))p" "$tmp/lat") us, p90 $(sed -n "$(( (n * 9 + 9) / 10 ))p" "$tmp/lat") us"
echo "after the knocks: RSS $(( $(rss_kib) / 1024 )) MiB"

[ "$flood_seconds" -gt 0 ] || exit 0
mac=$(cat "/sys/class/net/kfig$$a/address" 2>/dev/null || ip -n "$fw" -o link show kfig$$a | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
status() { ip netns exec "$fw" dist/bin/knock-server status --socket "$tmp/control.sock"; }
packets() { status | grep -o 'packets=[0-9]*' | cut -d= -f2; }
p0=$(packets); switches > "$tmp/sw0"; c0=$(cpu); r0=$(rss_kib); s0=$(awk '{print $15}' "/proc/$daemon/stat")
ip netns exec "$cl" "$tmp/floor" flood kfig$$b "$mac" "$flood_seconds" "$flood_pps" > "$tmp/flood" &
flooder=$!
# The client knocks once a second meanwhile (rounds alternate daemon and floor: 2 per second).
ip netns exec "$cl" "$tmp/floor" probe "/proc/$daemon/net" $((flood_seconds * 2 - 2)) 500 > "$tmp/rounds" &
prober=$!
peak=$r0
while kill -0 "$flooder" 2>/dev/null; do
  r=$(rss_kib); [ "$r" -gt "$peak" ] && peak=$r
  sleep 0.5
done
wait "$flooder"; wait "$prober"
c1=$(cpu); switches > "$tmp/sw1"; p1=$(packets); s1=$(awk '{print $15}' "/proc/$daemon/stat")
sleep 10
r1=$(rss_kib)
sent=$(awk '{print $2}' "$tmp/flood")
received=$((p1 - p0))
echo "flood: $sent spoofed datagrams sent in ${flood_seconds} s ($((sent / flood_seconds)) per second)," \
  "$received received by the daemon ($((received / flood_seconds)) per second)"
awk -v c=$((c1 - c0)) -v k=$((s1 - s0)) -v t="$ticks" -v n="$received" -v s="$flood_seconds" 'BEGIN {
  printf "  daemon CPU %.0f %% of a core, %.2f us per packet received (%.2f of it in the kernel)\n",
    100 * c / t / s, n ? c / t * 1e6 / n : 0, n ? k / t * 1e6 / n : 0 }'
join <(awk '{print $1 "/" $2, $3}' "$tmp/sw0") <(awk '{print $1 "/" $2, $3}' "$tmp/sw1") \
  | awk -v n="$received" '{d += $3 - $2} END {printf "  the daemon'"'"'s threads were switched in %d times, %.2f per packet\n", d, n ? d / n : 0}'
echo "  RSS $((r0 / 1024)) MiB before, $((peak / 1024)) MiB at the peak (+$(( (peak - r0) / 1024 )) MiB," \
  "target: at most +16), $((r1 / 1024)) MiB 10 s after"
echo "  legitimate knocks during the flood: $(grep -c '^daemon [0-9]' "$tmp/rounds" || true) opened," \
  "$(grep -c '^daemon lost' "$tmp/rounds" || true) lost (median $(grep '^daemon [0-9]' "$tmp/rounds" | awk '{print $2}' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') us)"
status | grep -E '^(capture|tracked)'
