#!/usr/bin/env bash
# Prints knock's start-up figures: wall time and peak RSS of a three-step knock (to loopback only) from the
# built distribution, with and without its AOT cache, beside a Java 25 hello world on the same runtime, all
# measured in this one run (median of RUNS, interleaved). Needs a build: ./mvnw package -DskipTests.
# Usage: benchmarks/client-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
archive=$(ls dist/target/knock-*-linux-*.tar.gz 2>/dev/null | head -1)
[ -n "$archive" ] || { echo "client-startup: no dist/target/knock-*.tar.gz (build first: ./mvnw package -DskipTests)" >&2; exit 1; }
. scripts/jdk.sh
knock_find_jdk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$archive" -C "$tmp"
home=$(ls -d "$tmp"/*/ | head -1)
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$tmp/Hello.java"
"$JAVA_HOME/bin/javac" -d "$tmp" "$tmp/Hello.java"

gnu_time=
[ -x /usr/bin/time ] && gnu_time=/usr/bin/time
measure() { # label, command...: appends "ms kib" to $tmp/<label>
  local label=$1 start end rss=0
  shift
  start=$(date +%s%N)
  if [ -n "$gnu_time" ]; then
    rss=$("$gnu_time" -f %M "$@" 2>&1 >/dev/null | tail -1)
  else
    "$@" >/dev/null 2>&1
  fi
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $rss" >> "$tmp/$label"
}
for _ in $(seq "$runs"); do
  measure hello "$home/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$tmp" Hello
  measure aot "$home/bin/knock" 127.0.0.1 7000/tcp 8000/udp 9000/tcp
  measure noaot env KNOCK_AOT=off "$home/bin/knock" 127.0.0.1 7000/tcp 8000/udp 9000/tcp
done
median() { sort -n -k"$2" "$tmp/$1" | awk -v k="$2" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
report() {
  printf '%-44s %5s ms  %6s MiB peak RSS\n' "$2" "$(median "$1" 1)" \
    "$( [ -n "$gnu_time" ] && echo $(( $(median "$1" 2) / 1024 )) || echo '?')"
}
echo "median of $runs runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg):"
report hello "Java 25 hello world (bundled runtime)"
report aot "knock, three steps, with the AOT cache"
report noaot "knock, three steps, without it (KNOCK_AOT=off)"
