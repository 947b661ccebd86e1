#!/usr/bin/env bash
# The whole idea in a minute, narrated: a firewall, a client and a scanner in network namespaces; the
# ruleset from knock-server rules; knock-server and a real sshd on the firewall; port 22 hidden; knock;
# ssh; knock-server status; a scanner that replays the knock and then touches a port next to it, and
# loses the port again; a signed knock (one datagram, signed with the client's ssh key) that an eavesdropper
# records and the scanner replays, refused; the window runs out; everything is removed. Exits non-zero at the first step that
# does not behave as narrated. Ctrl-C cleans up, and a second run (or one after a run killed hard) starts
# clean. Only 198.18.0.0/24 and fd6b:6e6f:636b::/64, inside the namespaces it makes.
#
#   sudo ./demo.sh              installs missing Debian packages, builds, runs the demo
#   sudo ./demo.sh --no-build   uses the distribution already built in dist/target
set -euo pipefail
cd "$(dirname "$0")"
build=yes
[ "${1:-}" = --no-build ] && build=no
WINDOW=10

if [ "$(id -u)" != 0 ]; then
  echo "demo: needs root for network namespaces and iptables: sudo ./demo.sh" >&2
  exit 1
fi
. scripts/jdk.sh
. scripts/prereqs.sh
. scripts/netns.sh

step=0
say() { printf '\n[%d] %s\n' "$((step += 1))" "$*"; }
note() { printf '    %s\n' "$*"; }
fail() {
  printf '    FAILED: %s\n' "$*"
  if [ -n "${tmp:-}" ]; then
    for log in "$tmp"/*.log; do
      [ -s "$log" ] && { printf '    --- %s (last lines)\n' "$(basename "$log")"; tail -n 15 "$log" | sed 's/^/    /'; }
    done
  fi
  exit 1
}
# expect WHAT EXPECTED ACTUAL
expect() {
  if [ "$2" = "$3" ]; then note "ok: $1: expected $2, got $3"; else fail "$1: expected $2, got $3"; fi
}

tmp=
cleanup() {
  trap - EXIT INT TERM
  netns_cleanup
  [ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, cleaning up"; cleanup; exit 130' INT TERM

say "Prerequisites: a JDK 25 to build with, iptables, iproute2, openssh-server and -client (installed when missing)"
knock_find_jdk
knock_install_prereqs
for tool in iptables-restore ip /usr/sbin/sshd ssh ssh-keygen timeout; do
  command -v "$tool" >/dev/null || fail "missing $tool"
done
note "ok: JDK at $JAVA_HOME, $(iptables --version), $(ssh -V 2>&1)"

if [ "$build" = yes ] || ! ls -d dist/target/knock-*/runtime >/dev/null 2>&1; then
  say "Building knock: ./mvnw package (jars, jlink runtime, the client's AOT cache, tar.gz and .deb)"
  note "the first build fetches Maven and the dependencies from Maven Central: a few minutes"
  # The man pages' Asciidoctor runs JRuby inside Maven's JVM; its sun.misc.Unsafe warnings are noise here.
  MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ./mvnw -B -q -ntp package -DskipTests \
    || fail "the build failed"
fi
home=$(ls -d dist/target/knock-*/ | head -n 1)
home=${home%/}
server=$home/bin/knock-server
knock=$home/bin/knock
note "ok: using the distribution in $home"

say "Network: namespaces for a firewall (fw), a client and a scanner on one bridge, names with pid $$"
netns_stale kd
for old in /tmp/knock-demo-*; do # temp dirs of runs killed too hard to clean up
  pid=${old#/tmp/knock-demo-}
  pid=${pid%%.*}
  [ -d "$old" ] && ! kill -0 "$pid" 2>/dev/null && rm -rf "$old"
done
netns_create kd
note "ok: $NS_FW 198.18.0.1 (knock) 198.18.0.11 (ssh); $NS_CLIENT 198.18.0.2; $NS_SCANNER 198.18.0.3"

tmp=$(mktemp -d "/tmp/knock-demo-$$.XXXXXX")
ssh-keygen -q -t ed25519 -N '' -C knock-demo -f "$tmp/host"
ssh-keygen -q -t ed25519 -N '' -C knock-demo -f "$tmp/id"
# Signed knocks: the server's key pair (keygen prints the public half for profiles); the client's ssh key is
# both its login key and its knock key.
server_key=$("$server" keygen -f "$tmp/spa.key" | grep '^ServerKey ') || fail "knock-server keygen"
cp "$tmp/id.pub" "$tmp/knock_authorized_keys"
cat > "$tmp/knock-server.conf" <<CONF
[server]
control-socket = $tmp/control.sock
log-level = info
spa-key = $tmp/spa.key
authorized-keys = $tmp/knock_authorized_keys

[sequence ssh]
steps = 7000/tcp 8000/udp icmp/173
knock-address = 198.18.0.1 fd6b:6e6f:636b::1
guard-address = 198.18.0.11 fd6b:6e6f:636b::11
window = ${WINDOW}s

[sequence signed]
spa-port = 62201
knock-address = 198.18.0.1 fd6b:6e6f:636b::1
guard-port = 2222
guard-address = 198.18.0.11 fd6b:6e6f:636b::11
list4 = signed4
list6 = signed6
window = ${WINDOW}s
CONF
cat > "$tmp/knock.config" <<CONF
Host fw
    HostName 198.18.0.11
    KnockAddress 198.18.0.1
    Sequence 7000/tcp 8000/udp icmp/173
    AddressFamily inet
Host fw-signed
    HostName 198.18.0.11
    KnockAddress 198.18.0.1
    $server_key
    SpaSequence signed
    IdentityFile $tmp/id
    Port 2222
    AddressFamily inet
CONF

say "Firewall: load the ruleset from 'knock-server rules' (daemon mode, IPv4 and IPv6) into fw"
note "config: knock 7000/tcp 8000/udp icmp/173 at 198.18.0.1 opens ssh on 198.18.0.11 for ${WINDOW}s;"
note "        a signed knock to 198.18.0.1 udp/62201 opens ssh's second port, 2222"
"$server" rules --config "$tmp/knock-server.conf" --family 4 > "$tmp/rules4"
"$server" rules --config "$tmp/knock-server.conf" --family 6 > "$tmp/rules6"
ip netns exec "$NS_FW" iptables-restore < "$tmp/rules4" || fail "iptables-restore"
ip netns exec "$NS_FW" ip6tables-restore < "$tmp/rules6" || fail "ip6tables-restore"
lists=$(ip netns exec "$NS_FW" ls /proc/net/xt_recent | paste -sd' ')
expect "xt_recent lists in fw" "signed4 signed6 ssh4 ssh6" "$lists"

say "sshd: a real sshd with a throwaway host key on 198.18.0.11, ports 22 and 2222, in fw"
cp "$tmp/id.pub" "$tmp/authorized_keys"
mkdir -p /run/sshd
cat > "$tmp/sshd_config" <<CONF
ListenAddress 198.18.0.11
Port 22
Port 2222
HostKey $tmp/host
PidFile none
UsePAM no
StrictModes no
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
CONF
cat > "$tmp/ssh_config" <<CONF
Host fw fw-signed
    HostName 198.18.0.11
    User root
    IdentityFile $tmp/id
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    GlobalKnownHostsFile /dev/null
    BatchMode yes
    ConnectTimeout 5
    LogLevel ERROR
CONF
netns_start "$NS_FW" "$tmp/sshd.log" /usr/sbin/sshd -D -e -f "$tmp/sshd_config"
sshd_up() { [ "$(netns_probe "$NS_FW" 198.18.0.11 22)" = open ]; }
netns_until 10 sshd_up || fail "sshd did not come up"
note "ok: sshd (pid $NETNS_LAST) answers on 198.18.0.11:22 from fw itself"

say "knock-server: the daemon in fw, watching knocks and keeping the lists"
netns_start "$NS_FW" "$tmp/knock-server.log" "$server" --config "$tmp/knock-server.conf"
server_pid=$NETNS_LAST
server_up() { "$server" status --config "$tmp/knock-server.conf" >/dev/null 2>&1; }
netns_until 20 server_up || fail "knock-server did not answer on its control socket"
note "ok: knock-server (pid $server_pid) is up: $(grep -m1 -o 'start .*' "$tmp/knock-server.log" | cut -c1-110)..."

say "Client: is port 22 on 198.18.0.11 there? Expected hidden (dropped, no answer)"
expect "client -> 198.18.0.11:22 before knocking" hidden "$(netns_probe "$NS_CLIENT" 198.18.0.11 22)"

say "Client: knock fw (7000/tcp, 8000/udp, icmp/173 to 198.18.0.1), waiting for port 22: expected open"
ip netns exec "$NS_CLIENT" "$knock" -v -F "$tmp/knock.config" --wait=5s fw 2>&1 | sed 's/^/    /' \
  || fail "knock exited non-zero"
expect "client -> 198.18.0.11:22 after knocking" open "$(netns_probe "$NS_CLIENT" 198.18.0.11 22)"
note "daemon: $(grep -m1 -o 'open src=198.18.0.2.*' "$tmp/knock-server.log" || echo '(no open line)')"

say "Client: ssh fw, a real login with a key: expected to run a command on fw"
out=$(ip netns exec "$NS_CLIENT" ssh -F "$tmp/ssh_config" fw 'echo "logged in as $(id -un) from ${SSH_CONNECTION%% *}"' 2>&1) \
  || fail "ssh: $out"
expect "ssh fw" "logged in as root from 198.18.0.2" "$out"

say "knock-server status: expected 198.18.0.2 admitted on ssh4"
status=$("$server" status --config "$tmp/knock-server.conf") || fail "knock-server status failed"
printf '%s\n' "$status" | sed 's/^/    | /'
case $status in *198.18.0.2*) note "ok: 198.18.0.2 is listed" ;; *) fail "198.18.0.2 not in the status" ;; esac

say "Scanner: replays the knock it sniffed: expected open for the scanner (a static knock can be replayed)"
ip netns exec "$NS_SCANNER" "$knock" -v 198.18.0.1 7000/tcp 8000/udp icmp/173 2>&1 | sed 's/^/    /' \
  || fail "knock from the scanner failed"
scanner_in() { [ "$(netns_probe "$NS_SCANNER" 198.18.0.11 22)" = open ]; }
netns_until 3 scanner_in || true
expect "scanner -> 198.18.0.11:22 after the replay" open "$(netns_probe "$NS_SCANNER" 198.18.0.11 22)"

say "Scanner: touches 7001/tcp, next to the knock port, as a port walk does: expected hidden again"
ip netns exec "$NS_SCANNER" "$knock" -v 198.18.0.1 7001/tcp 2>&1 | sed 's/^/    /' || fail "knock 7001/tcp failed"
scanned() { grep -q 'scan src=198.18.0.3' "$tmp/knock-server.log"; }
netns_until 5 scanned || fail "the daemon logged no scan from 198.18.0.3"
note "daemon: $(grep -m1 -o 'scan src=198.18.0.3.*' "$tmp/knock-server.log")"
expect "scanner -> 198.18.0.11:22 after the scan" hidden "$(netns_probe "$NS_SCANNER" 198.18.0.11 22)"

say "Client: knock fw-signed: one datagram to 198.18.0.1 udp/62201, signed with its ssh key, sealed to the server's key"
note "an eavesdropper on fw's wire (a packet socket, scripts/SniffUdp.java) records it; expected: port 2222 opens"
netns_start "$NS_FW" "$tmp/sniff.log" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  scripts/SniffUdp.java 62201 "$tmp/sniffed.bin" 20
sniffer_pid=$NETNS_LAST
listening() { grep -q '^SniffUdp: listening' "$tmp/sniff.log"; }
netns_until 20 listening || fail "the eavesdropper did not start"
ip netns exec "$NS_CLIENT" "$knock" -v -F "$tmp/knock.config" --wait=5s fw-signed 2>&1 | sed 's/^/    /' \
  || fail "the signed knock did not open port 2222"
expect "client -> 198.18.0.11:2222 after the signed knock" open "$(netns_probe "$NS_CLIENT" 198.18.0.11 2222)"
note "daemon: $(grep -m1 -o 'spa src=198.18.0.2 .*' "$tmp/knock-server.log" || echo '(no spa line)')"
wait "$sniffer_pid" || fail "the eavesdropper recorded nothing"
note "ok: the eavesdropper recorded $(stat -c %s "$tmp/sniffed.bin") bytes: $(od -An -tx1 -N16 "$tmp/sniffed.bin" | tr -d '\n')..."

say "Scanner: replays the recorded signed knock from its own address: expected refused, port 2222 hidden"
ip netns exec "$NS_SCANNER" bash -c 'cat "$1" > /dev/udp/198.18.0.1/62201' _ "$tmp/sniffed.bin" \
  || fail "the scanner could not send the datagram"
refused() { grep -q 'spa refused src=198.18.0.3 reason=replay' "$tmp/knock-server.log"; }
netns_until 5 refused || fail "the daemon did not refuse the replay from 198.18.0.3"
note "daemon: $(grep -m1 -o 'spa refused src=198.18.0.3.*' "$tmp/knock-server.log")"
expect "scanner -> 198.18.0.11:2222 after replaying the signed knock" hidden \
  "$(netns_probe "$NS_SCANNER" 198.18.0.11 2222)"

say "Client: waits out the ${WINDOW}s window: expected hidden again, and the daemon's expire line"
expired() { grep -q 'expire src=198.18.0.2' "$tmp/knock-server.log"; }
netns_until $((WINDOW + 10)) expired || fail "no expiry of 198.18.0.2 within $((WINDOW + 10))s"
note "daemon: $(grep -m1 -o 'expire src=198.18.0.2.*' "$tmp/knock-server.log")"
expect "client -> 198.18.0.11:22 after the window" hidden "$(netns_probe "$NS_CLIENT" 198.18.0.11 22)"

say "Cleaning up: stopping knock-server and sshd (our pids), deleting the namespaces"
cleanup
left=$(ip netns list | grep -c "^kd$$-" || true)
expect "namespaces left" 0 "$left"
echo
echo "demo: every step behaved as narrated"
