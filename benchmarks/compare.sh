#!/usr/bin/env bash
# Side by side, in one run, alternating: the project's tarball against knockd (Debian knockd) and fwknop
# (fwknop-client, fwknop-server) on the same 3-step / single-packet work, each daemon in namespaces of its own
# (scripts/netns.sh: fw, client, scanner on a bridge; 198.18.0.0/24 and fd6b:6e6f:636b::/64 only). Prints:
#   B1 client wall time and peak RSS (median of RUNS, interleaved), beside a Java hello world on the runtime
#      the tarball bundles: knock (plain 3-step, signed), knockd's knock, fwknop
#   B2 knock-to-open, median and p95 of TRIALS: the C client (benchmarks/src/c/knockc.c) against each daemon,
#      timed from the last packet's send until a TCP connect from the client to the guarded port succeeds;
#      each tool's own client, timed from its launch; and a raw AF_PACKET sniffer as the floor
#   B3 a spoofed flood (benchmarks/src/c/flood.c, raw socket in the scanner namespace, sources 198.18.0.20-250,
#      the knock ports and their neighbours) at each RATE for FLOOD seconds (at most 20): 10 legitimate knocks
#      from the client during it, the daemon's CPU, RSS before / peak / 3 s after, spoofed admissions
#   B4 idle, all three at once over IDLE seconds: RSS, threads, CPU, context switches (wake-ups) per second
# Needs root. Installs knockd, fwknop-client, fwknop-server (and gcc) when missing, and leaves them installed
# (their services stopped and disabled when this run installed them). Needs the tarball:
#   ./mvnw -B -ntp package -DskipTests        (dist/target/knock-*-linux-*.tar.gz; run from it, never PATH)
# Usage: sudo benchmarks/compare.sh [--quick] [--jmh] [--runs N] [--trials N] [--flood SECONDS]
#                                   [--rates "1000 10000 50000 max"] [--idle SECONDS] [--keep]
# --keep keeps the raw figures and the daemons' logs (the path is printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=11 trials=30 flood=20 rates="1000 10000 50000 max" idle=60 jmh=no keep=no
while [ $# -gt 0 ]; do
  case $1 in
    --quick) runs=3 trials=5 flood=3 rates="1000 max" idle=5 ;;
    --jmh) jmh=yes ;;
    --keep) keep=yes ;;
    --runs) runs=$2; shift ;;
    --trials) trials=$2; shift ;;
    --flood) flood=$2; shift ;;
    --rates) rates=$2; shift ;;
    --idle) idle=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in "$runs" "$trials" "$flood" "$idle"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare: not a positive whole number: $n" >&2; exit 2; }
done
[ "$flood" -le 20 ] || { echo "compare: --flood is at most 20 seconds" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "compare: needs root (network namespaces, packages)" >&2; exit 1; }
archive=$(ls dist/target/knock-*-linux-*.tar.gz 2>/dev/null | head -1 || true)
[ -n "$archive" ] || { echo "compare: no dist/target/knock-*-linux-*.tar.gz (build first: ./mvnw -B -ntp package -DskipTests)" >&2; exit 1; }

# shellcheck source=../scripts/prereqs.sh
. scripts/prereqs.sh
# shellcheck source=../scripts/netns.sh
. scripts/netns.sh
# shellcheck source=../scripts/jdk.sh
. scripts/jdk.sh

# --- the peers, installed when missing --------------------------------------------------------------------
# The project's own .deb replaces knockd (Conflicts) and owns /usr/bin/knock: installing knockd would remove it.
if [ "$(dpkg-query -W -f='${Status}' knock 2>/dev/null)" = "install ok installed" ]; then
  echo "compare: the knock package is installed and conflicts with knockd; remove it first (dpkg --purge knock)" >&2
  exit 1
fi
missing=()
for pkg in knockd fwknop-client fwknop-server gcc libc6-dev iptables iproute2 openssh-client; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  knock_apt_install "${missing[@]}"
  # What the packages may have started: this run installed it, so it stops and disables it.
  if [ -d /run/systemd/system ]; then
    for svc in knockd fwknop-server; do
      [[ " ${missing[*]} " == *" $svc "* ]] && systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
    done
  fi
fi
iptables=$(command -v iptables)
[ "$(dpkg-query -S /usr/bin/knock 2>/dev/null)" = "knockd: /usr/bin/knock" ] ||
  { echo "compare: /usr/bin/knock is not knockd's (see dpkg -S /usr/bin/knock)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/knock-compare.XXXXXX)
cleanup() {
  netns_cleanup
  if [ "$keep" = yes ]; then echo "compare: raw figures and logs kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tar -xzf "$archive" -C "$tmp"
home=$(ls -d "$tmp"/knock-*/ | head -1)
home=${home%/}
knock_find_jdk
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$tmp/Hello.java"
"$JAVA_HOME/bin/javac" -d "$tmp" "$tmp/Hello.java"
for c in knockc flood floor; do cc -O2 -Wall -o "$tmp/$c" "benchmarks/src/c/$c.c"; done
kc=$tmp/knockc

echo "compare: $(basename "$archive"), knockd $(dpkg-query -W -f='${Version}' knockd)," \
  "fwknop $(dpkg-query -W -f='${Version}' fwknop-server); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  runs $runs, trials $trials, flood ${flood}s at: $rates, idle ${idle}s"

# --- three sets of namespaces ---------------------------------------------------------------------------
for p in cmk cmd cmf; do netns_stale "$p"; done
netns_create cmk; K_FW=$NS_FW K_CL=$NS_CLIENT K_SC=$NS_SCANNER
netns_create cmd; D_FW=$NS_FW D_CL=$NS_CLIENT D_SC=$NS_SCANNER
netns_create cmf; F_FW=$NS_FW F_CL=$NS_CLIENT F_SC=$NS_SCANNER
for ns in "$K_FW" "$D_FW" "$F_FW"; do
  netns_start "$ns" "$tmp/listen-$ns.log" "$kc" listen 198.18.0.11 22 2222 2223
done

# knock-server: the plain 3-step sequence (port 22) and a signed one (port 2222), from the tarball.
mkdir -p "$tmp/k" "$tmp/home/.ssh" && chmod 700 "$tmp/k" "$tmp/home"
ssh-keygen -q -t ed25519 -N '' -C compare -f "$tmp/home/.ssh/id_ed25519"
cp "$tmp/home/.ssh/id_ed25519.pub" "$tmp/k/authorized_keys"
server_key=$("$home/bin/knock-server" keygen -f "$tmp/k/spa.key" | awk '/ServerKey/ {print $2}')
cat > "$tmp/k/knock-server.conf" <<CONF
[server]
control-socket = $tmp/k/control.sock
spa-key = $tmp/k/spa.key
authorized-keys = $tmp/k/authorized_keys
[sequence ssh]
steps = 7000/udp 8000/udp 9000/udp
knock-address = 198.18.0.1
guard-address = 198.18.0.11
hold-off = 0
[sequence spa]
spa-port = 62201
knock-address = 198.18.0.1
guard-address = 198.18.0.11
guard-port = 2222
list4 = spa4
list6 = spa6
CONF
cat > "$tmp/home/knock.config" <<CONF
Host spa
    HostName 198.18.0.11
    KnockAddress 198.18.0.1
    ServerKey $server_key
    SpaPort 62201
    SpaSequence spa
    IdentityFile $tmp/home/.ssh/id_ed25519
CONF
"$home/bin/knock-server" rules --config "$tmp/k/knock-server.conf" | ip netns exec "$K_FW" iptables-restore
# The floor: a raw AF_PACKET sniffer (floor.c) that puts the source on a list of its own, opening port 2223.
ip netns exec "$K_FW" "$iptables" -I INPUT 1 -d 198.18.0.11 -p tcp --dport 2223 -m recent --name floor4 --rcheck -j ACCEPT
netns_start "$K_FW" "$tmp/k/daemon.log" "$home/bin/knock-server" --config "$tmp/k/knock-server.conf"
K_PID=$NETNS_LAST
netns_start "$K_FW" "$tmp/k/floor.log" "$tmp/floor" sniff floor4 5200

# knockd: the same 3-step UDP knock; its command inserts an ACCEPT rule for the source (iptables).
mkdir -p "$tmp/d"
cat > "$tmp/d/knockd.conf" <<CONF
[options]
    LogFile = $tmp/d/knockd.log
    Interface = eth0
[openSSH]
    sequence = 7000:udp,8000:udp,9000:udp
    seq_timeout = 10
    command = $iptables -I INPUT 1 -s %IP% -p tcp --dport 22 -j ACCEPT
CONF
ip netns exec "$D_FW" "$iptables" -A INPUT -p tcp --dport 22 -j DROP
ip netns exec "$D_FW" "$iptables" -A INPUT -p udp --dport 6990:9010 -j DROP
netns_start "$D_FW" "$tmp/d/out.log" knockd -c "$tmp/d/knockd.conf" -i eth0 -p "$tmp/d/knockd.pid"
D_PID=$NETNS_LAST

# fwknopd: SPA (Rijndael + HMAC keys from fwknop --key-gen), opening tcp/22 for the source for 30 s through
# its FWKNOP_INPUT chain (iptables).
mkdir -p "$tmp/f/run"
fwknop --key-gen > "$tmp/f/keys"
f_key=$(awk '/^KEY_BASE64/ {print $2}' "$tmp/f/keys")
f_hmac=$(awk '/^HMAC_KEY_BASE64/ {print $2}' "$tmp/f/keys")
cat > "$tmp/f/fwknopd.conf" <<CONF
PCAP_INTF                   eth0;
PCAP_FILTER                 udp port 62201;
FIREWALL_EXE                $iptables;
FWKNOP_RUN_DIR              $tmp/f/run;
CONF
cat > "$tmp/f/access.conf" <<CONF
SOURCE              ANY
OPEN_PORTS          tcp/22
KEY_BASE64          $f_key
HMAC_KEY_BASE64     $f_hmac
FW_ACCESS_TIMEOUT   30
CONF
chmod 600 "$tmp/f/fwknopd.conf" "$tmp/f/access.conf"
ip netns exec "$F_FW" "$iptables" -A INPUT -p tcp --dport 22 -j DROP
ip netns exec "$F_FW" "$iptables" -A INPUT -p udp --dport 62190:62210 -j DROP
netns_start "$F_FW" "$tmp/f/out.log" fwknopd -f -c "$tmp/f/fwknopd.conf" -a "$tmp/f/access.conf" \
  -d "$tmp/f/digest.cache" -p "$tmp/f/run/fwknopd.pid" -r "$tmp/f/run" -i eth0
F_PID=$NETNS_LAST

# The clients, each from its own namespace.
k_plain=(env HOME="$tmp/home" "$home/bin/knock" 198.18.0.1 7000/udp 8000/udp 9000/udp)
k_signed=(env -u SSH_AUTH_SOCK HOME="$tmp/home" "$home/bin/knock" -F "$tmp/home/knock.config" spa)
d_client=(/usr/bin/knock -u 198.18.0.1 7000 8000 9000)
f_client=(env HOME="$tmp/home" fwknop --no-rc-file -A tcp/22 -a 198.18.0.2 -D 198.18.0.1 --use-hmac
  --key-base64-rijndael "$f_key" --key-base64-hmac "$f_hmac")
hello=("$home/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$tmp" Hello)

# reset WHO: takes the client off what let it in (the list, the ACCEPT rules).
reset() {
  case $1 in
    k) ip netns exec "$K_FW" sh -c 'for l in ssh4 spa4 floor4; do echo -198.18.0.2 > /proc/net/xt_recent/$l; done' ;;
    d) while ip netns exec "$D_FW" "$iptables" -D INPUT -s 198.18.0.2/32 -p tcp --dport 22 -j ACCEPT 2>/dev/null; do :; done ;;
    f) ip netns exec "$F_FW" "$iptables" -F FWKNOP_INPUT 2>/dev/null || true ;;
  esac
}
fw_packet() { # a fresh SPA packet for the C client, made (not sent) by fwknop's client
  rm -f "$tmp/f/packet"
  ip netns exec "$F_CL" "${f_client[@]}" --test -B "$tmp/f/packet" >/dev/null 2>&1
}
alive() {
  local pid
  for pid in "$K_PID" "$D_PID" "$F_PID"; do
    kill -0 "$pid" 2>/dev/null && continue
    echo "compare: a daemon died (pid $pid); its logs:" >&2
    tail -5 "$tmp/k/daemon.log" "$tmp/d/out.log" "$tmp/d/knockd.log" "$tmp/f/out.log" >&2 2>/dev/null || true
    exit 1
  done
}
netns_until 30 grep -q '<6>start' "$tmp/k/daemon.log" || { cat "$tmp/k/daemon.log" >&2; exit 1; }
sleep 2
alive
# Each must open once before anything is measured (else the setup is wrong, not the daemon slow).
fw_packet
for check in "k udp 198.18.0.1 198.18.0.11 22 3000 7000 8000 9000" \
  "d udp 198.18.0.1 198.18.0.11 22 3000 7000 8000 9000" \
  "f file 198.18.0.1 62201 $tmp/f/packet 198.18.0.11 22 3000"; do
  set -- $check
  who=$1; shift
  ns=$K_CL; [ "$who" = d ] && ns=$D_CL; [ "$who" = f ] && ns=$F_CL
  r=$(ip netns exec "$ns" "$kc" "$@")
  [ "$r" != lost ] || { echo "compare: the setup of '$who' does not open port 22 (see $tmp, kept)" >&2; trap - EXIT; netns_cleanup; exit 1; }
  reset "$who"
done

# --- helpers --------------------------------------------------------------------------------------------
stat_of() { # FILE: "median p95 n lost" of the numbers in FILE (lines "lost" and "early" counted apart)
  local n lost
  grep -E '^[0-9]+$' "$1" | sort -n > "$1.sorted" || true
  n=$(wc -l < "$1.sorted")
  lost=$(grep -c -E 'lost|early' "$1" || true)
  if [ "$n" = 0 ]; then echo "- - 0 $lost"; return; fi
  echo "$(sed -n "$(( (n + 1) / 2 ))p" "$1.sorted") $(sed -n "$(( (n * 95 + 99) / 100 ))p" "$1.sorted") $n $lost"
}
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$1/status"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.1fx", a / b }'; }
out=$tmp/table
: > "$out"
row() { printf '%s\n' "$*" >> "$out"; }

# --- B4: idle, all three at once --------------------------------------------------------------------------
echo "B4: idle ${idle}s ..."
declare -A c0 s0
for who in K D F; do pid_var=${who}_PID; p=${!pid_var}; c0[$who]=$(cpu_ticks "$p"); s0[$who]=$(switches "$p"); done
sleep "$idle"
alive
declare -A idle_rss
for who in K D F; do
  pid_var=${who}_PID; p=${!pid_var}
  c1=$(cpu_ticks "$p"); s1=$(switches "$p")
  idle_rss[$who]=$(rss_kib "$p")
  printf -v "idle_$who" '%s MiB, %s threads, %s ms CPU/s, %s wake-ups/s' "$(mib "${idle_rss[$who]}")" "$(threads "$p")" \
    "$(awk -v c=$((c1 - c0[$who])) -v t="$ticks" -v d="$idle" 'BEGIN { printf "%.2f", c * 1000 / t / d }')" \
    "$(awk -v s=$((s1 - s0[$who])) -v d="$idle" 'BEGIN { printf "%.1f", s / d }')"
done

# --- B1: client wall and peak RSS, interleaved ------------------------------------------------------------
echo "B1: clients, $runs runs each ..."
settle() { # WHO PORT: waits (at most 3 s) until the client's knock has opened, then takes it off again
  local ns=$K_CL
  [ "$1" = d ] && ns=$D_CL
  [ "$1" = f ] && ns=$F_CL
  ip netns exec "$ns" "$kc" exec 198.18.0.11 "$2" 3000 true > /dev/null 2>&1 || true
  reset "$1"
}
for i in $(seq "$runs"); do
  ip netns exec "$K_CL" "$kc" run "${hello[@]}" >> "$tmp/b1-hello"
  ip netns exec "$K_CL" "$kc" run "${k_plain[@]}" >> "$tmp/b1-kplain"; settle k 22
  ip netns exec "$D_CL" "$kc" run "${d_client[@]}" >> "$tmp/b1-dknock"; settle d 22
  ip netns exec "$F_CL" "$kc" run "${f_client[@]}" >> "$tmp/b1-fwknop"; settle f 22
  ip netns exec "$K_CL" "$kc" run "${k_signed[@]}" >> "$tmp/b1-ksigned"; settle k 2222
  sleep 0.3 # the signed sequence's per-source ration is 5 a second
done
b1() { # LABEL FILE: "ms MiB failures"
  local ms kib fails
  ms=$(awk '{print $1}' "$tmp/$1" | sort -n | awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)] / 1000}')
  kib=$(awk '{print $2}' "$tmp/$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  fails=$(awk '$3 != 0' "$tmp/$1" | wc -l)
  echo "$ms $(mib "$kib") $fails"
}
read -r h_ms h_mib _ < <(b1 b1-hello)

# --- B2: knock-to-open ------------------------------------------------------------------------------------
echo "B2: knock-to-open, $trials trials ..."
trial() { # FILE WHO NS KNOCKC-ARGS...: one timed knock; an "early" one (open before it) logs the firewall
  local file=$1 who=$2 ns=$3 fw=$K_FW r
  shift 3
  [ "$who" = d ] && fw=$D_FW
  [ "$who" = f ] && fw=$F_FW
  r=$(ip netns exec "$ns" "$kc" "$@" 2>>"$tmp/b2.err")
  echo "$r" >> "$tmp/$file"
  if [ "$r" = early ]; then
    { echo "$file: open before the knock"; ip netns exec "$fw" "$iptables" -S; } >> "$tmp/early.log"
  fi
  settle "$who" "$(awk -v p="$*" 'BEGIN { print (p ~ / 2222 / ? 2222 : (p ~ / 2223 / ? 2223 : 22)) }')"
}
for i in $(seq "$trials"); do
  fw_packet
  trial b2-floor k "$K_CL" udp 198.18.0.1 198.18.0.11 2223 3000 5000 5100 5200
  trial b2-ck k "$K_CL" udp 198.18.0.1 198.18.0.11 22 3000 7000 8000 9000
  trial b2-cd d "$D_CL" udp 198.18.0.1 198.18.0.11 22 3000 7000 8000 9000
  trial b2-cf f "$F_CL" file 198.18.0.1 62201 "$tmp/f/packet" 198.18.0.11 22 3000
  trial b2-ok k "$K_CL" exec 198.18.0.11 22 5000 "${k_plain[@]}"
  trial b2-oks k "$K_CL" exec 198.18.0.11 2222 5000 "${k_signed[@]}"
  trial b2-od d "$D_CL" exec 198.18.0.11 22 5000 "${d_client[@]}"
  trial b2-of f "$F_CL" exec 198.18.0.11 22 5000 "${f_client[@]}"
  sleep 0.2
done
alive

# --- B3: spoofed flood ------------------------------------------------------------------------------------
spoofed() { # WHO: admissions of any source but the client's so far, from the daemon's own log
  case $1 in
    k) grep -E '^<6>open src=' "$tmp/k/daemon.log" | grep -vc 'src=198\.18\.0\.2 ' ;;
    d) grep 'OPEN SESAME' "$tmp/d/knockd.log" | grep -vc '198\.18\.0\.2:' ;;
    f) grep 'Added access rule' "$tmp/f/out.log" | grep -vc 'for 198\.18\.0\.2 ' ;;
  esac || true
}
flood_one() { # WHO RATE: one bounded flood at one daemon, 10 legitimate knocks during it
  local who=$1 rate=$2 pid fw cl sc pps ports a0 a1 c0 c1 r0 peak r1 ok=0 t0 t1 slot r
  case $who in
    k) pid=$K_PID fw=$K_FW cl=$K_CL sc=$K_SC ports="6998 6999 7000 7001 7002 7998 7999 8000 8001 8002 8998 8999 9000 9001 9002" ;;
    d) pid=$D_PID fw=$D_FW cl=$D_CL sc=$D_SC ports="6998 6999 7000 7001 7002 7998 7999 8000 8001 8002 8998 8999 9000 9001 9002" ;;
    f) pid=$F_PID fw=$F_FW cl=$F_CL sc=$F_SC ports="62199 62200 62201 62202 62203" ;;
  esac
  pps=$rate; [ "$rate" = max ] && pps=0
  a0=$(spoofed "$who")
  reset "$who"
  r0=$(rss_kib "$pid"); peak=$r0; c0=$(cpu_ticks "$pid"); t0=$(date +%s%N)
  # shellcheck disable=SC2086 # a word list
  ip netns exec "$sc" "$tmp/flood" 198.18.0.1 "$flood" "$pps" $ports > "$tmp/flood-$who-$rate" &
  local fpid=$!
  slot=$(( flood * 1000 / 10 ))
  for i in 1 2 3 4 5 6 7 8 9 10; do
    local s0 s1
    s0=$(date +%s%N)
    if [ "$who" = f ]; then fw_packet; fi
    if [ "$who" = f ]; then
      r=$(ip netns exec "$cl" "$kc" file 198.18.0.1 62201 "$tmp/f/packet" 198.18.0.11 22 $((slot * 8 / 10)))
    else
      r=$(ip netns exec "$cl" "$kc" udp 198.18.0.1 198.18.0.11 22 $((slot * 8 / 10)) 7000 8000 9000)
    fi
    [[ $r =~ ^[0-9]+$ ]] && ok=$((ok + 1))
    settle "$who" 22
    r=$(rss_kib "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    s1=$(date +%s%N)
    local left=$(( slot - (s1 - s0) / 1000000 ))
    [ "$left" -gt 0 ] && sleep "$(awk -v l="$left" 'BEGIN { printf "%.3f", l / 1000 }')"
  done
  wait "$fpid" || true
  t1=$(date +%s%N); c1=$(cpu_ticks "$pid")
  sleep 3
  r1=$(rss_kib "$pid")
  a1=$(spoofed "$who")
  read -r sent achieved < "$tmp/flood-$who-$rate"
  echo "$achieved $ok $(awk -v c=$((c1 - c0)) -v t="$ticks" -v w=$((t1 - t0)) 'BEGIN { printf "%.0f", c / t * 1e9 / w * 100 }') $(mib "$r0") $(mib "$peak") $(mib "$r1") $((a1 - a0))"
}
echo "B3: spoofed floods, ${flood}s per rate and daemon ..."
for rate in $rates; do
  for who in k d f; do
    echo "$rate $who $(flood_one "$who" "$rate")" >> "$tmp/b3"
    alive
  done
done

# --- JMH (optional) ---------------------------------------------------------------------------------------
if [ "$jmh" = yes ]; then
  echo "JMH: the per-packet path (benchmarks/README.md) ..."
  ./mvnw -B -ntp -q -Pbench -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt -DskipTests
  "$JAVA_HOME/bin/java" -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" org.openjdk.jmh.Main TrackerBenchmark -prof gc -f 1 -wi 3 -i 5 \
    | grep -E '^Benchmark|TrackerBenchmark' > "$tmp/jmh" || true
fi

# --- the table --------------------------------------------------------------------------------------------
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "B1 client, one knock: wall ms / peak RSS MiB, median of $runs (ratio to the Java hello world)"
  echo
  echo "| client | wall ms | peak RSS MiB | wall vs hello | RSS vs hello | failed runs |"
  echo "|---|---|---|---|---|---|"
  for pair in "hello:Java 25 hello world (bundled runtime)" "kplain:knock, 3-step UDP" "ksigned:knock, signed (SPA)" \
    "dknock:knockd's knock -u, 3-step" "fwknop:fwknop client (SPA)"; do
    f=${pair%%:*} label=${pair#*:}
    read -r ms m fails < <(b1 "b1-$f")
    echo "| $label | $ms | $m | $(ratio "$ms" "$h_ms") | $(ratio "$m" "$h_mib") | $fails |"
  done
  echo
  echo "B2 knock-to-open, ms: median / p95 of $trials (C client: from the last packet's send; own client: from its launch)"
  echo
  echo "| | knock | knockd | fwknopd | floor (raw AF_PACKET sniffer) |"
  echo "|---|---|---|---|---|"
  ms2() { read -r md p95 n lost < <(stat_of "$tmp/$1"); [ "$md" = - ] && { echo "- ($lost lost)"; return; }
    awk -v m="$md" -v p="$p95" -v l="$lost" 'BEGIN { printf "%.2f / %.2f%s", m / 1000, p / 1000, (l > 0 ? " (" l " lost)" : "") }'; }
  echo "| C client (knockc.c) | $(ms2 b2-ck) | $(ms2 b2-cd) | $(ms2 b2-cf) | $(ms2 b2-floor) |"
  echo "| own client | $(ms2 b2-ok) (signed: $(ms2 b2-oks)) | $(ms2 b2-od) | $(ms2 b2-of) | |"
  read -r ck _ < <(stat_of "$tmp/b2-ck"); read -r cd _ < <(stat_of "$tmp/b2-cd")
  read -r cf _ < <(stat_of "$tmp/b2-cf"); read -r fl _ < <(stat_of "$tmp/b2-floor")
  echo "| C client, median vs floor | $(ratio "$ck" "$fl") | $(ratio "$cd" "$fl") | $(ratio "$cf" "$fl") | 1.0x |"
  echo
  echo "B3 spoofed flood, ${flood}s per rate: achieved pps; legitimate knocks open of 10; daemon CPU % of one core;"
  echo "RSS MiB before -> peak -> 3 s after; spoofed admissions"
  echo
  echo "| rate | daemon | achieved pps | legit of 10 | CPU % | RSS MiB | spoofed admitted |"
  echo "|---|---|---|---|---|---|---|"
  while read -r rate who achieved ok cpu r0 peak r1 spoofed; do
    name=knock; [ "$who" = d ] && name=knockd; [ "$who" = f ] && name=fwknopd
    echo "| $rate | $name | $achieved | $ok | $cpu | $r0 -> $peak -> $r1 | $spoofed |"
  done < "$tmp/b3"
  echo
  echo "B4 idle over ${idle}s (all three at once): RSS, threads, CPU, context switches of all threads per second"
  echo
  echo "| daemon | idle |"
  echo "|---|---|"
  echo "| knock-server | $idle_K |"
  echo "| knockd | $idle_D |"
  echo "| fwknopd | $idle_F |"
  echo "| knock-server vs knockd, RSS | $(ratio "${idle_rss[K]}" "${idle_rss[D]}") |"
  if [ -s "$tmp/jmh" ]; then echo; echo '```'; cat "$tmp/jmh"; echo '```'; fi
} > "$out"
cat "$out"
if [ -s "$tmp/early.log" ]; then echo; echo "knocks that found the port open already (a setup fault; not counted):"; grep -c 'open before' "$tmp/early.log"; fi
if [ -s "$tmp/b2.err" ]; then echo; echo "client failures during B2 (first 5):"; sort "$tmp/b2.err" | uniq -c | head -5; fi
