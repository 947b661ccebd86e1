# Sourced (bash) by demo.sh and check-package.sh: the test hosts of DESIGN.md in network namespaces.
#
#   PREFIX<pid>-fw                     PREFIX<pid>-client          PREFIX<pid>-scanner
#   eth0 198.18.0.1/24  knock address  eth0 198.18.0.2/24          eth0 198.18.0.3/24
#        198.18.0.11/24 ssh address         fd6b:6e6f:636b::2/64        fd6b:6e6f:636b::3/64
#        fd6b:6e6f:636b::1/64, ::11/64
#          |  veth                            |  veth                      |  veth
#   +------+------------ br0 in PREFIX<pid>-sw (bridge alone; bridge-nf-call-* = 0) ---+------------+
#
# Only 198.18.0.0/24 and fd6b:6e6f:636b::/64, only inside these namespaces. Names carry the script's pid;
# namespaces of runs whose pid is gone (killed hard) are removed first, with what still runs in them.
# Processes started with netns_start are remembered by pid and netns_cleanup stops exactly those.

NETNS_PIDS=()
NETNS_NAMES=()

# netns_stale PREFIX: deletes PREFIX<pid>-* namespaces whose creating script is no longer running.
netns_stale() {
  local prefix=$1 ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${prefix}[0-9]+-(sw|fw|client|scanner)\$" || true); do
    pid=${ns#"$prefix"}
    pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then
      # What runs in a stale namespace was started by that dead run of ours: stop it with its namespace.
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
      echo "  (removed stale namespace $ns of an earlier, interrupted run)"
    fi
  done
}

# netns_create PREFIX: makes PREFIX$$-{sw,fw,client,scanner}, sets NS_FW, NS_CLIENT, NS_SCANNER.
netns_create() {
  local prefix=$1$$ role i=1 mac
  NS_SW=$prefix-sw NS_FW=$prefix-fw NS_CLIENT=$prefix-client NS_SCANNER=$prefix-scanner
  for ns in "$NS_SW" "$NS_FW" "$NS_CLIENT" "$NS_SCANNER"; do
    ip netns add "$ns"
    NETNS_NAMES+=("$ns")
  done
  ip netns exec "$NS_SW" sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-iptables \
      /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; do
      [ -e "$f" ] && echo 0 > "$f"; done; echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; true'
  ip -n "$NS_SW" link add br0 type bridge mcast_snooping 0
  ip -n "$NS_SW" link set br0 up
  for role in fw client scanner; do
    local ns=$prefix-$role
    ip netns exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad;
      echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad;
      echo 0 > /proc/sys/net/ipv6/conf/default/router_solicitations'
    mac=02:6b:6e:00:00:0$i
    ip link add eth0 netns "$ns" address "$mac" type veth peer name "$role" netns "$NS_SW"
    ip -n "$NS_SW" link set "$role" master br0
    ip -n "$NS_SW" link set "$role" up
    ip -n "$ns" link set lo up
    i=$((i + 1))
  done
  ip -n "$NS_FW" addr add 198.18.0.1/24 dev eth0
  ip -n "$NS_FW" addr add 198.18.0.11/24 dev eth0
  ip -n "$NS_FW" addr add fd6b:6e6f:636b::1/64 dev eth0 nodad
  ip -n "$NS_FW" addr add fd6b:6e6f:636b::11/64 dev eth0 nodad
  ip -n "$NS_CLIENT" addr add 198.18.0.2/24 dev eth0
  ip -n "$NS_CLIENT" addr add fd6b:6e6f:636b::2/64 dev eth0 nodad
  ip -n "$NS_SCANNER" addr add 198.18.0.3/24 dev eth0
  ip -n "$NS_SCANNER" addr add fd6b:6e6f:636b::3/64 dev eth0 nodad
  for ns in "$NS_FW" "$NS_CLIENT" "$NS_SCANNER"; do
    ip -n "$ns" link set eth0 up
  done
}

# netns_start NS LOG CMD...: runs CMD in NS in the background (ip netns exec execs it: $! is its pid).
netns_start() {
  local ns=$1 log=$2
  shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  NETNS_PIDS+=($!)
  NETNS_LAST=$!
}

# netns_probe NS ADDR PORT: prints open, hidden (no answer in 1.5 s) or rejected (refused at once).
# After an open connection it waits a moment: until both sides have closed, conntrack still counts it, and
# the guard's connlimit (max-connections) could REJECT a probe right behind it.
netns_probe() {
  local rc=0
  ip netns exec "$1" timeout 1.5 bash -c "exec 3<>/dev/tcp/$2/$3 && read -r -t 1 -u 3 _ ; exec 3<&-" \
    2>/dev/null || rc=$?
  case $rc in
    0) echo open; sleep 0.3 ;;
    124) echo hidden ;;
    *) echo rejected ;;
  esac
}

# netns_until SECONDS CMD...: runs CMD every 0.2 s until it succeeds; fails after SECONDS.
netns_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# netns_cleanup: stops the processes we started (by pid, TERM then KILL), deletes our namespaces.
netns_cleanup() {
  local pid i
  for pid in "${NETNS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NETNS_PIDS[@]}"; do
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  NETNS_PIDS=()
  for ns in "${NETNS_NAMES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  NETNS_NAMES=()
}
