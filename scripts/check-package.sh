#!/usr/bin/env bash
# The .deb as an admin meets it: installs dist/target/knock_*.deb with dpkg -i, checks the units with
# systemd-analyze verify, runs the installed /usr/bin/knock-server and /usr/bin/knock end to end in
# namespaces (ruleset from the installed knock-server rules, the daemon, a knock, port 22 hidden then open),
# checks that a reinstall keeps an edited conffile and that the AOT cache maps, then purges the package and
# checks that nothing of it is left. Needs root; run by test.sh after ./mvnw verify.
# It replaces an installed knock package only under CI=true (or KNOCK_REPLACE_PACKAGE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/netns.sh
. scripts/prereqs.sh

say() { printf 'check-package: %s\n' "$*"; }
fail() {
  say "FAILED: $*"
  [ -n "${tmp:-}" ] && for log in "$tmp"/*.log; do [ -s "$log" ] && { echo "--- $log"; tail -n 20 "$log"; }; done
  exit 1
}

[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i, namespaces)"
deb=$(ls dist/target/knock_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no dist/target/knock_*.deb: build first (./mvnw package)"
if dpkg-query -W -f='${Status}' knock 2>/dev/null | grep -q installed \
    && [ "${CI:-}" != true ] && [ "${KNOCK_REPLACE_PACKAGE:-}" != 1 ]; then
  fail "a knock package is installed already; not replacing it (set KNOCK_REPLACE_PACKAGE=1 to allow)"
fi
# systemd-analyze verify needs systemd's tools, and man-db to check the units' Documentation=man: pages;
# python3 binds the datagram socket that stands in for systemd's NOTIFY_SOCKET.
missing=
command -v systemd-analyze >/dev/null || missing="$missing systemd"
command -v man >/dev/null || missing="$missing man-db"
command -v python3 >/dev/null || missing="$missing python3" # stands in for systemd's NOTIFY_SOCKET
if [ -n "$missing" ]; then
  # shellcheck disable=SC2086 # a word list
  knock_apt_install $missing || fail "cannot install$missing (for systemd-analyze verify and the notify check)"
fi

tmp=
installed=
cleanup() {
  trap - EXIT INT TERM
  netns_cleanup
  [ -n "$tmp" ] && rm -rf "$tmp"
  if [ -n "$installed" ]; then dpkg --purge knock >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

say "dpkg -i $deb"
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
installed=yes
for f in /usr/bin/knock /usr/bin/knock-server /usr/lib/knock/runtime/bin/java /usr/lib/knock/lib/knock.aot \
    /etc/knock/knock-server.conf /lib/systemd/system/knock-server.service /lib/systemd/system/knock-rules.service \
    /usr/share/man/man1/knock.1.gz /usr/share/man/man1/knock-server-rules.1.gz \
    /usr/share/bash-completion/completions/knock /usr/share/bash-completion/completions/knock-server; do
  [ -e "$f" ] || fail "$f not installed"
done
dpkg-query -W -f='${Conffiles}\n' knock | grep -q '^ /etc/knock/knock-server.conf ' \
  || fail "/etc/knock/knock-server.conf is not a conffile"
/usr/bin/knock-server check --config /etc/knock/knock-server.conf >/dev/null || fail "installed config does not check"

say "systemd-analyze verify knock-server.service knock-rules.service"
out=$(systemd-analyze verify /lib/systemd/system/knock-server.service /lib/systemd/system/knock-rules.service 2>&1) \
  || fail "systemd-analyze verify: $out"
if printf '%s\n' "$out" | grep -i 'knock'; then fail "systemd-analyze verify complains about our units"; fi

say "the AOT cache maps with the installed runtime (AOTMode=on fails otherwise)"
KNOCK_AOT=off KNOCK_JAVA_OPTS="-XX:AOTCache=/usr/lib/knock/lib/knock.aot -XX:AOTMode=on" \
  /usr/bin/knock 127.0.0.1 7000/udp || fail "the installed AOT cache does not map"

say "end to end in namespaces with the installed binaries"
netns_stale kp
netns_create kp
tmp=$(mktemp -d "/tmp/knock-package-$$.XXXXXX")
cat > "$tmp/knock-server.conf" <<CONF
[server]
control-socket = $tmp/control.sock
[sequence ssh]
steps = 7000/tcp 8000/udp icmp/64
knock-address = 198.18.0.1 fd6b:6e6f:636b::1
guard-address = 198.18.0.11 fd6b:6e6f:636b::11
window = 30s
CONF
/usr/bin/knock-server rules --config "$tmp/knock-server.conf" --family 4 | ip netns exec "$NS_FW" iptables-restore \
  || fail "knock-server rules --family 4 | iptables-restore"
/usr/bin/knock-server rules --config "$tmp/knock-server.conf" --family 6 | ip netns exec "$NS_FW" ip6tables-restore \
  || fail "knock-server rules --family 6 | ip6tables-restore"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host"
mkdir -p /run/sshd
netns_start "$NS_FW" "$tmp/sshd.log" /usr/sbin/sshd -D -e -o ListenAddress=198.18.0.11 -o ListenAddress='[fd6b:6e6f:636b::11]' \
  -o HostKey="$tmp/host" -o PidFile=none -o UsePAM=no -f /dev/null
sshd_up() { [ "$(netns_probe "$NS_FW" 198.18.0.11 22)" = open ]; }
netns_until 10 sshd_up || fail "sshd did not come up in fw"
# systemd's side of Type=notify: a datagram socket whose messages are written one per line.
python3 - "$tmp/notify" "$tmp/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        try:
            data = s.recv(4096)
        except socket.timeout:
            break
        out.write(data.decode().replace("\n", " ") + "\n")
        if data.startswith(b"STOPPING=1"):
            break
PY
NETNS_PIDS+=($!)
netns_until 5 test -S "$tmp/notify" || fail "no notify socket"
# As the unit runs it: root with only CAP_NET_ADMIN and CAP_NET_RAW (bounding, inheritable, ambient) and
# no_new_privs, so a capability the unit does not grant would make this fail.
caps=-all,+net_admin,+net_raw
netns_start "$NS_FW" "$tmp/knock-server.log" env NOTIFY_SOCKET="$tmp/notify" \
  setpriv --no-new-privs --bounding-set=$caps --inh-caps=$caps --ambient-caps=$caps \
  /usr/bin/knock-server --config "$tmp/knock-server.conf"
server_pid=$NETNS_LAST
notified() { [ "$(cat "$tmp/notify.out" 2>/dev/null | grep -c "^$1")" -ge "$2" ]; }
netns_until 20 notified READY=1 1 || fail "installed knock-server sent no READY=1"
/usr/bin/knock-server status --config "$tmp/knock-server.conf" >/dev/null || fail "no status after READY=1"
grep -q '^CapEff:[[:space:]]*0*3000$' "/proc/$server_pid/status" \
  || fail "knock-server's effective capabilities are not just CAP_NET_ADMIN and CAP_NET_RAW"
say "knock-server, with only CAP_NET_ADMIN and CAP_NET_RAW, said READY=1 on NOTIFY_SOCKET and answers status"
for family in 4 6; do
  if [ $family = 4 ]; then knock=198.18.0.1 ssh=198.18.0.11; else knock=fd6b:6e6f:636b::1 ssh=fd6b:6e6f:636b::11; fi
  [ "$(netns_probe "$NS_CLIENT" "$ssh" 22)" = hidden ] || fail "port 22 on $ssh not hidden before the knock"
  ip netns exec "$NS_CLIENT" /usr/bin/knock "$knock" 7000/tcp 8000/udp icmp/64 || fail "installed knock failed"
  opened() { [ "$(netns_probe "$NS_CLIENT" "$ssh" 22)" = open ]; }
  netns_until 5 opened || fail "port 22 on $ssh not open after the knock"
  say "IPv$family: port 22 on $ssh hidden, then open after /usr/bin/knock $knock"
done
/usr/bin/knock-server status --config "$tmp/knock-server.conf" | grep -q '198.18.0.2' \
  || fail "knock-server status does not list 198.18.0.2"
kill -HUP "$server_pid"
netns_until 10 notified READY=1 2 || fail "no READY=1 after the reload (SIGHUP)"
grep -q '^RELOADING=1 MONOTONIC_USEC=[0-9]' "$tmp/notify.out" || fail "no RELOADING=1 with MONOTONIC_USEC on SIGHUP"
kill -TERM "$server_pid"
netns_until 10 notified STOPPING=1 1 || fail "no STOPPING=1 on SIGTERM"
say "SIGHUP: RELOADING=1 then READY=1; SIGTERM: STOPPING=1 ($(paste -sd'|' "$tmp/notify.out"))"
netns_cleanup

say "a reinstall keeps an edited conffile"
echo "# edited by the admin" >> /etc/knock/knock-server.conf
dpkg -i --force-confold "$deb" >/dev/null || fail "dpkg -i (reinstall)"
grep -q 'edited by the admin' /etc/knock/knock-server.conf || fail "the reinstall replaced the edited conffile"

say "dpkg --remove keeps the config; dpkg --purge leaves nothing"
dpkg --remove knock >/dev/null || fail "dpkg --remove"
[ -e /etc/knock/knock-server.conf ] || fail "remove deleted the conffile"
[ ! -e /usr/lib/knock ] || fail "remove left /usr/lib/knock"
dpkg --purge knock >/dev/null || fail "dpkg --purge"
installed=
for f in /usr/lib/knock /usr/bin/knock /usr/bin/knock-server /etc/knock /lib/systemd/system/knock-server.service \
    /lib/systemd/system/knock-rules.service /usr/share/doc/knock /usr/share/man/man1/knock.1.gz \
    /usr/share/bash-completion/completions/knock /run/knock-server; do
  [ ! -e "$f" ] || fail "$f left after purge"
done
if dpkg-query -W -f='${Status}' knock 2>/dev/null | grep -q installed; then fail "knock still installed"; fi
say "ok: installed, ran end to end, verified, purged cleanly"
