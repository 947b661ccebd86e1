#!/usr/bin/env bash
# Prints knock's start-up figures from the built distribution, beside a Java 25 hello world on the same bundled
# runtime, all measured in this one run (RUNS rounds, the commands interleaved in each; medians, and the median
# of each round's ratio to hello world's figure, so a drift of the box's speed cancels out): wall time and peak
# RSS of a plain three-step knock (to 127.0.0.1, and to localhost: a host name lookup), of a signed knock
# (ServerKey: one datagram, signed with a throwaway ssh key file), of knock proxy up to the end of a one-line
# session (a loopback listener sends a banner line and closes, stdin is /dev/null), and of the plain knock
# without the AOT cache. Packets go to loopback only;
# nothing listens on the knock ports. Needs a build: ./mvnw package -DskipTests; python3 for the listener.
# Usage: benchmarks/client-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
archive=$(ls dist/target/knock-*-linux-*.tar.gz 2>/dev/null | head -1)
[ -n "$archive" ] || { echo "client-startup: no dist/target/knock-*.tar.gz (build first: ./mvnw package -DskipTests)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "client-startup: needs GNU time (/usr/bin/time: apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "client-startup: needs python3 (the proxy's listener)" >&2; exit 1; }
. scripts/jdk.sh
knock_find_jdk
tmp=$(mktemp -d)
listener=
trap '[ -z "$listener" ] || kill "$listener" 2>/dev/null; rm -rf "$tmp"' EXIT
tar -xzf "$archive" -C "$tmp"
home=$(ls -d "$tmp"/*/ | head -1)
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$tmp/Hello.java"
"$JAVA_HOME/bin/javac" -d "$tmp" "$tmp/Hello.java"

# The signed knock's keys: a throwaway ssh key, and a server key from the distribution's own keygen.
ssh_key=$tmp/id_ed25519
if command -v ssh-keygen >/dev/null; then
  ssh-keygen -q -t ed25519 -N '' -C knock-bench -f "$ssh_key"
else
  echo "client-startup: no ssh-keygen: the signed row is left out" >&2
  ssh_key=
fi
server_key=$("$home/bin/knock-server" keygen -f "$tmp/server.key" 2>&1 | awk '/^ServerKey / { print $2 }')
# A listener on a free loopback port standing in for sshd: a banner line, then close.
python3 - "$tmp/port" <<'EOF' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    c.sendall(b"SSH-2.0-bench\r\n")
    c.close()
EOF
listener=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
cat > "$tmp/config" <<EOF
Host plain
    HostName 127.0.0.1
    Sequence 7000/tcp 8000/udp 9000/tcp
Host named
    HostName localhost
    Sequence 7000/tcp 8000/udp 9000/tcp
Host signed
    HostName 127.0.0.1
    ServerKey $server_key
    IdentityFile $ssh_key
EOF

measure() { # label, command...: appends "ms kib" to $tmp/<label>
  local label=$1 start end rss
  shift
  start=$(date +%s%N)
  rss=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null </dev/null | tail -1)
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $rss" >> "$tmp/$label"
}
for _ in $(seq "$runs"); do
  measure hello "$home/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$tmp" Hello
  measure plain "$home/bin/knock" -F "$tmp/config" plain
  measure named "$home/bin/knock" -F "$tmp/config" named
  [ -z "$ssh_key" ] || SSH_AUTH_SOCK= measure signed "$home/bin/knock" -F "$tmp/config" signed
  measure proxy "$home/bin/knock" proxy -F "$tmp/config" plain "$port"
  KNOCK_AOT=off measure noaot "$home/bin/knock" -F "$tmp/config" plain
done
median() { awk '{ print $'"$2"' }' "$tmp/$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { # label, field: the median over the rounds of label's figure / hello world's in the same round
  paste -d' ' "$tmp/$1" "$tmp/hello" | awk -v k="$2" '{ printf "%.3f\n", $k / $(k + 2) }' | sort -n \
    | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'
}
echo "median of $runs rounds, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); ratios to hello world, round by round:"
printf '%-48s %6s %6s  %8s %6s\n' "" "wall" "ratio" "peak RSS" "ratio"
report() {
  printf '%-48s %3s ms %6s  %4s MiB %6s\n' "$2" "$(median "$1" 1)" "$([ "$1" = hello ] && echo - || ratio "$1" 1)" \
    "$(( $(median "$1" 2) / 1024 ))" "$([ "$1" = hello ] && echo - || ratio "$1" 2)"
}
report hello "Java 25 hello world (bundled runtime)"
report plain "knock, three steps (plain)"
report named "knock, three steps, to a name (localhost)"
[ -z "$ssh_key" ] || report signed "knock, signed (ServerKey, key file)"
report proxy "knock proxy, three steps, one-line session"
report noaot "knock, three steps, without the AOT cache"
