#!/usr/bin/env bash
# The main job on a working default: builds knock, checks the example server config and prints the
# rulesets it makes (kernel mode, IPv4 and IPv6), proving each loads with iptables-restore --test in a
# throwaway network namespace when run as root.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
knock_find_jdk
. scripts/prereqs.sh
knock_install_prereqs

echo "== building knock (./mvnw package)"
./mvnw -B -q -ntp package -DskipTests
server=dist/bin/knock-server
config=dist/etc/knock-server.conf

echo "== $server check --config $config"
"$server" check --config "$config"
for family in 4 6; do
  echo
  echo "== $server rules --config $config --mode kernel --family $family"
  "$server" rules --config "$config" --mode kernel --family "$family" | tee "/tmp/knock-demo-$$.rules$family"
done

if [ "$(id -u)" = 0 ] && command -v iptables-restore >/dev/null; then
  ns="knock-demo-$$"
  ip netns add "$ns"
  trap 'ip netns del "$ns" 2>/dev/null; rm -f /tmp/knock-demo-$$.rules4 /tmp/knock-demo-$$.rules6' EXIT
  ip netns exec "$ns" iptables-restore --test < "/tmp/knock-demo-$$.rules4"
  ip netns exec "$ns" ip6tables-restore --test < "/tmp/knock-demo-$$.rules6"
  echo
  echo "== both rulesets load (iptables-restore --test, ip6tables-restore --test in namespace $ns)"
else
  rm -f /tmp/knock-demo-$$.rules4 /tmp/knock-demo-$$.rules6
  echo "== (run as root to see the rulesets load with iptables-restore --test)"
fi
