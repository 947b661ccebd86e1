#!/usr/bin/env bash
# The .deb as an admin meets it: installs Debian's knockd first (admins migrating have it), then
# dist/target/knock_*.deb with dpkg -i, which must replace knockd (Conflicts/Replaces); checks the units with
# systemd-analyze verify and the xt_recent module option; runs the installed /usr/bin/knock-server and
# /usr/bin/knock end to end in namespaces (ruleset loaded by the unit's own ExecStart, the daemon, a knock,
# port 22 hidden then open, SIGTERM a clean stop); breaks the config and checks that knock-rules-load fails
# closed in both families (last good ruleset, or drop-all; exit 1); checks that a reinstall keeps an edited
# conffile and that the AOT cache maps, then purges the package and checks that nothing of it is left, and
# leaves knockd as it found it. Needs root; run by test.sh after ./mvnw verify.
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
  restore_knockd
}
# restore_knockd: leaves knockd as found: reinstalled if it was installed, else purged with what came with it.
restore_knockd() {
  [ -n "${knockd_was+set}" ] || return 0
  if [ "$knockd_was" = "install ok installed" ]; then
    dpkg-query -W -f='${Status}' knockd 2>/dev/null | grep -q ' installed$' || knock_apt_install knockd || true
  else
    # shellcheck disable=SC2086 # a word list
    [ -z "${knockd_added:-}" ] || dpkg --purge $knockd_added >/dev/null 2>&1 || true
    dpkg --purge knockd >/dev/null 2>&1 || true
  fi
  unset knockd_was
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

say "Debian's knockd installed first, as on a box migrating from it (it ships /usr/bin/knock too)"
knockd_was=$(dpkg-query -W -f='${Status}' knockd 2>/dev/null || true)
packages_before=$(dpkg-query -W -f='${Package} ${Status}\n' | awk '$NF == "installed" {print $1}')
if [ "$knockd_was" != "install ok installed" ]; then
  knock_apt_install knockd || fail "cannot install knockd (the migration check needs it)"
fi
knockd_added=$(comm -13 <(printf '%s\n' "$packages_before" | sort) \
  <(dpkg-query -W -f='${Package} ${Status}\n' | awk '$NF == "installed" {print $1}' | sort) | tr '\n' ' ')
[ "$(dpkg-query -S /usr/bin/knock 2>/dev/null)" = "knockd: /usr/bin/knock" ] || fail "knockd does not own /usr/bin/knock"

say "dpkg -i $deb"
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb (beside knockd)"
installed=yes
knockd_now=$(dpkg-query -W -f='${Status}' knockd 2>/dev/null || true)
case $knockd_now in
  *" installed") fail "knockd is still installed beside knock ($knockd_now)" ;;
esac
[ "$(dpkg-query -S /usr/bin/knock 2>/dev/null)" = "knock: /usr/bin/knock" ] || fail "/usr/bin/knock is not knock's"
[ "$(readlink -f /usr/bin/knock)" = /usr/lib/knock/bin/knock ] || fail "/usr/bin/knock is not knock's client"
[ -e /etc/knockd.conf ] || fail "replacing knockd lost /etc/knockd.conf (kept for the migration)"
say "knock replaced knockd (now: $knockd_now), /usr/bin/knock is knock's, /etc/knockd.conf kept"
for f in /usr/bin/knock /usr/bin/knock-server /usr/lib/knock/runtime/bin/java /usr/lib/knock/lib/knock.aot \
    /usr/lib/knock/lib/native/libnetty_transport_native_epoll_x86_64.so \
    /etc/knock/knock-server.conf /lib/systemd/system/knock-server.service /lib/systemd/system/knock-rules.service \
    /usr/share/man/man1/knock.1.gz /usr/share/man/man1/knock-server-rules.1.gz \
    /usr/share/bash-completion/completions/knock /usr/share/bash-completion/completions/knock-server; do
  [ -e "$f" ] || fail "$f not installed"
done
dpkg-query -W -f='${Conffiles}\n' knock | grep -q '^ /etc/knock/knock-server.conf ' \
  || fail "/etc/knock/knock-server.conf is not a conffile"
/usr/bin/knock-server check --config /etc/knock/knock-server.conf >/dev/null || fail "installed config does not check"
dpkg-query -W -f='${Conffiles}\n' knock | grep -q '^ /etc/modprobe.d/knock.conf ' \
  || fail "/etc/modprobe.d/knock.conf is not a conffile"
grep -qx 'options xt_recent ip_list_tot=10000' /etc/modprobe.d/knock.conf || fail "no xt_recent ip_list_tot option"
if command -v modprobe >/dev/null; then
  modprobe --showconfig 2>/dev/null | grep -qx 'options xt_recent ip_list_tot=10000' \
    || fail "modprobe does not see knock's xt_recent option"
fi
if [ -e /sys/module/xt_recent/initstate ]; then kind="a module"; else kind="built in (needs xt_recent.ip_list_tot= on the kernel command line)"; fi
say "xt_recent ip_list_tot=10000 in /etc/modprobe.d/knock.conf; this kernel's xt_recent is $kind, limit now $(cat /sys/module/xt_recent/parameters/ip_list_tot 2>/dev/null || echo unknown)"
grep -qx 'SuccessExitStatus=143' /lib/systemd/system/knock-server.service \
  || fail "knock-server.service does not take SIGTERM's 143 for a clean stop"
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/knock-rules.service)
[ "$exec_start" = "/usr/lib/knock/libexec/knock-rules-load --config /etc/knock/knock-server.conf --state-dir /var/lib/knock" ] \
  || fail "knock-rules.service runs '$exec_start'"

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
steps = 7000/tcp 8000/udp icmp/173
knock-address = 198.18.0.1 fd6b:6e6f:636b::1
guard-address = 198.18.0.11 fd6b:6e6f:636b::11
window = 30s
CONF
# knock-rules.service's ExecStart, word for word, in fw: the installed example config (the test addresses).
# shellcheck disable=SC2086 # the unit's command line
ip netns exec "$NS_FW" $exec_start 2>"$tmp/rules-load.log" || fail "knock-rules.service's ExecStart failed"
[ -r /var/lib/knock/rules.v4 ] && [ -r /var/lib/knock/rules.v6 ] || fail "no last good rulesets in /var/lib/knock"
say "knock-rules.service's ExecStart loaded both families and kept them as the last good ones"
load=/usr/lib/knock/libexec/knock-rules-load
ip netns exec "$NS_FW" $load --config "$tmp/knock-server.conf" --state-dir "$tmp/state" 2>>"$tmp/rules-load.log" \
  || fail "knock-rules-load --config $tmp/knock-server.conf"
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
# As the unit runs it: root with only CAP_NET_ADMIN (bounding, inheritable, ambient) and no_new_privs, so a
# capability the unit does not grant (CAP_NET_RAW, which the AF_PACKET capture needed) would make this fail.
caps=-all,+net_admin
netns_start "$NS_FW" "$tmp/knock-server.log" env NOTIFY_SOCKET="$tmp/notify" \
  setpriv --no-new-privs --bounding-set=$caps --inh-caps=$caps --ambient-caps=$caps \
  /usr/bin/knock-server --config "$tmp/knock-server.conf"
server_pid=$NETNS_LAST
notified() { [ "$(cat "$tmp/notify.out" 2>/dev/null | grep -c "^$1")" -ge "$2" ]; }
netns_until 20 notified READY=1 1 || fail "installed knock-server sent no READY=1"
/usr/bin/knock-server status --config "$tmp/knock-server.conf" >/dev/null || fail "no status after READY=1"
grep -q '^CapEff:[[:space:]]*0*1000$' "/proc/$server_pid/status" \
  || fail "knock-server's effective capabilities are not just CAP_NET_ADMIN"
say "knock-server, with only CAP_NET_ADMIN, said READY=1 on NOTIFY_SOCKET and answers status"
# The unit's /tmp is private and may be noexec: the daemon maps netty's epoll library from the package instead.
grep -q ' /usr/lib/knock/lib/native/libnetty_transport_native_epoll_x86_64\.so$' "/proc/$server_pid/maps" \
  || fail "knock-server did not map netty's epoll library from /usr/lib/knock/lib/native"
say "knock-server maps netty's epoll library from /usr/lib/knock/lib/native (nothing extracted to /tmp)"
for family in 4 6; do
  if [ $family = 4 ]; then knock=198.18.0.1 ssh=198.18.0.11; else knock=fd6b:6e6f:636b::1 ssh=fd6b:6e6f:636b::11; fi
  [ "$(netns_probe "$NS_CLIENT" "$ssh" 22)" = hidden ] || fail "port 22 on $ssh not hidden before the knock"
  ip netns exec "$NS_CLIENT" /usr/bin/knock "$knock" 7000/tcp 8000/udp icmp/173 || fail "installed knock failed"
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
stopped=0
wait "$server_pid" || stopped=$?
[ "$stopped" = 143 ] || fail "knock-server ended with $stopped on SIGTERM (the unit takes 0 and 143 as clean)"
say "SIGHUP: RELOADING=1 then READY=1; SIGTERM: STOPPING=1, exit 143, a success for the unit ($(paste -sd'|' "$tmp/notify.out"))"

say "knock-rules-load fails closed: a bad config loads the last good rulesets, or drop-all, both families, exit 1"
# The filter table of a family without counters and comments, to compare what is loaded.
filter_of() { ip netns exec "$NS_FW" "$1" -t filter | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
good4=$(filter_of iptables-save) good6=$(filter_of ip6tables-save)
printf '%s\n' "$good4" | grep -q -- '-A guard-ssh ' || fail "the good IPv4 ruleset has no guard chain"
printf '%s\n' "$good6" | grep -q -- '-A guard-ssh ' || fail "the good IPv6 ruleset has no guard chain"
printf '[sequence ssh]\nsteps = 7000/udp\nwindow = forever\n' > "$tmp/bad.conf"
run_load() { # run_load CONFIG STATE [PATH_PREFIX]: prints the exit code
  local rc=0
  ip netns exec "$NS_FW" env PATH="${3:+$3:}$PATH" $load --config "$1" --state-dir "$2" 2>>"$tmp/rules-load.log" || rc=$?
  echo "$rc"
}
[ "$(run_load "$tmp/bad.conf" "$tmp/state")" = 1 ] || fail "a bad config did not exit 1"
[ "$(filter_of iptables-save)" = "$good4" ] || fail "IPv4 does not hold the last good ruleset after a bad config"
[ "$(filter_of ip6tables-save)" = "$good6" ] || fail "IPv6 does not hold the last good ruleset after a bad config"
grep -q 'loaded the last good rulesets' "$tmp/rules-load.log" || fail "knock-rules-load did not say what it loaded"
say "bad config: exit 1, both families hold the last good ruleset"
# IPv4 loads, IPv6 does not: a stand-in ip6tables-restore that passes --test and refuses the real load of a
# ruleset naming the sequence v6fails. IPv4, already loaded from the new config, must go back too.
mkdir -p "$tmp/fake"
cat > "$tmp/fake/ip6tables-restore" <<'FAKE'
#!/bin/sh
input=$(cat)
case " $* " in *" --test "*) ;; *) case $input in *guard-v6fails*) echo "stand-in: refused" >&2; exit 1 ;; esac ;; esac
printf '%s\n' "$input" | exec /usr/sbin/ip6tables-restore "$@"
FAKE
chmod +x "$tmp/fake/ip6tables-restore"
{ cat "$tmp/knock-server.conf"; printf '[sequence v6fails]\nsteps = 9000/udp\nknock-address = 198.18.0.1 fd6b:6e6f:636b::1\nguard-port = 2222\nlist4 = v6f4\nlist6 = v6f6\n'; } > "$tmp/v6fails.conf"
[ "$(run_load "$tmp/v6fails.conf" "$tmp/state" "$tmp/fake")" = 1 ] || fail "an IPv6 load failure did not exit 1"
grep -q 'stand-in: refused' "$tmp/rules-load.log" || fail "the IPv6 stand-in was never asked"
[ "$(filter_of iptables-save)" = "$good4" ] || fail "IPv4 kept the new ruleset though IPv6 failed to load"
[ "$(filter_of ip6tables-save)" = "$good6" ] || fail "IPv6 does not hold the last good ruleset after its load failed"
say "IPv4 loaded, IPv6 refused: exit 1, both families back on the last good ruleset"
[ "$(run_load "$tmp/bad.conf" "$tmp/empty-state")" = 1 ] || fail "a bad config without a last good one did not exit 1"
for family in 4 6; do
  if [ $family = 4 ]; then rules=$(filter_of iptables-save); else rules=$(filter_of ip6tables-save); fi
  printf '%s\n' "$rules" | grep -qx ':INPUT DROP' || fail "IPv$family: drop-all has no INPUT DROP policy"
  extra=$(printf '%s\n' "$rules" | grep -- '^-A ' | grep -v -e '^-A INPUT -i lo -j ACCEPT$' \
    -e '^-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT$' -e '^-A INPUT -p ipv6-icmp .* --hl-eq 255 -j ACCEPT$' || true)
  [ -z "$extra" ] || fail "IPv$family: drop-all lets more in: $extra"
done
[ "$(netns_probe "$NS_CLIENT" 198.18.0.11 22)" = hidden ] || fail "port 22 answers under drop-all"
say "bad config, no last good one: exit 1, both families drop-all (loopback, established, neighbour discovery)"
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
    /usr/share/bash-completion/completions/knock /run/knock-server /var/lib/knock /etc/modprobe.d/knock.conf; do
  [ ! -e "$f" ] || fail "$f left after purge"
done
if dpkg-query -W -f='${Status}' knock 2>/dev/null | grep -q installed; then fail "knock still installed"; fi
knockd_found=$knockd_was
restore_knockd
knockd_left=$(dpkg-query -W -f='${Status}' knockd 2>/dev/null || true)
if [ "$knockd_found" = "install ok installed" ]; then
  [ "$knockd_left" = "install ok installed" ] || fail "knockd was installed before and is not now ($knockd_left)"
else
  case $knockd_left in ""|*not-installed) ;; *) fail "knockd left behind: $knockd_left" ;; esac
fi
say "ok: replaced knockd, installed, ran end to end, failed closed, verified, purged cleanly, knockd as found"
