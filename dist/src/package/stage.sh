#!/usr/bin/env bash
# Build step (dist/pom.xml, phase package): lays out the distribution and the .deb's tree from what the
# earlier steps made in TARGET (lib/ jars, man/ pages, completion/ scripts):
#   TARGET/knock-VERSION/                 the tar.gz's tree: bin/ libexec/ lib/ runtime/ etc/ systemd/ man/ ...
#   TARGET/knock-VERSION-linux-ARCH.tar.gz
#   TARGET/deb/data.tar.gz, TARGET/deb/etc/, TARGET/deb/modprobe.d/  what jdeb packs (/usr/lib/knock, /usr/bin,
#                                         the units, ...; the conffiles in /etc/knock and /etc/modprobe.d)
# It links the runtime with jlink, writes the example rulesets with the staged knock-server, and trains the
# client's AOT cache on a real knock to loopback with the staged launcher and runtime: the cache is valid
# only for that runtime and those jars (their mtimes too), so everything after it copies with mtimes kept.
# Usage: stage.sh JAVA_HOME TARGET VERSION
set -euo pipefail
jdk=$1 target=$2 version=$3
dist=$(cd "$(dirname "$0")/../.." && pwd)
name=knock-$version
stage=$target/$name
modules=java.base,java.logging,jdk.jfr,jdk.unsupported # jdeps --print-module-deps over lib/*.jar

rm -rf "$stage" "$target/deb" "$target"/knock-*.tar.gz
mkdir -p "$stage"/{bin,libexec,lib,etc/rules,systemd,modprobe.d,man/man1,completion}
cp -p "$dist"/bin/knock "$dist"/bin/knock-server "$stage/bin/"
cp -p "$dist"/libexec/launch "$dist"/libexec/knock-rules-load "$stage/libexec/"
cp -p "$target"/lib/*.jar "$stage/lib/"
# bouncycastle's jar: the part knock reaches (src/build/TrimJar.java: the classes knock's jars name, followed
# through bouncycastle's own; about 380 of its 5,900), unsigned, as lib/bcprov-*-subset.jar. The whole jar cost
# the client on every start: its signature and per-entry digests checked when opened (about 0.14 s and 28 MB),
# its 7 MB central directory read (about 6 ms and 6 MiB), and the AOT cache skips signed jars. Its licence (MIT,
# META-INF/LICENSE.md, kept in the subset) allows this.
for jar in "$stage"/lib/bcprov-*.jar; do
  subset=${jar%.jar}-subset.jar
  kept=$("$jdk/bin/java" "$dist/src/build/TrimJar.java" "$jar" "$subset" "$stage"/lib/knock-*.jar) \
    || { echo "stage: cannot take knock's part of $jar" >&2; exit 1; }
  echo "stage: $(basename "$subset"): $kept classes of bouncycastle's"
  rm "$jar"
  # A check that does not share TrimJar's logic: jdeps finds every class that knock's jars and the subset name,
  # and none may be missing.
  classpath=$(printf '%s:' "$stage"/lib/*.jar)
  missing=$("$jdk/bin/jdeps" --multi-release 25 --missing-deps -cp "$classpath" "$stage"/lib/knock-*.jar "$subset" \
    2>&1 | grep -v '^Warning' || true)
  [ -z "$missing" ] || { printf '%s\n' "$missing" >&2; echo "stage: $(basename "$subset") misses classes" >&2; exit 1; }
done
# netty's epoll library, unpacked where the launcher's java.library.path finds it: the daemon then maps it from
# the installed tree (read-only, exec allowed) instead of extracting it to java.io.tmpdir at every start, which
# fails where /tmp is noexec and is needless under the unit's PrivateTmp and ProtectSystem=strict.
mkdir -p "$stage/lib/native"
(cd "$stage/lib/native" && "$jdk/bin/jar" xf "$(ls "$stage"/lib/netty-transport-native-epoll-*.jar)" META-INF/native \
  && mv META-INF/native/*.so . && rm -r META-INF)
ls "$stage"/lib/native/libnetty_transport_native_epoll_*.so >/dev/null \
  || { echo "stage: no netty epoll library in lib/native" >&2; exit 1; }
cp -p "$dist"/etc/*.conf "$dist"/etc/knock-client.config "$dist"/etc/ssh_config "$stage/etc/"
cp -p "$dist"/systemd/*.service "$stage/systemd/"
cp -p "$dist"/modprobe/knock.conf "$stage/modprobe.d/"
cp -p "$target"/man/*.1 "$stage/man/man1/"
cp -p "$target"/completion/* "$stage/completion/"
cp -p "$dist"/README.md "$stage/README.md"

echo "stage: jlink --add-modules $modules"
# --generate-cds-archive: the runtime's own CDS archive of JDK classes, as a JDK has (a jlinked runtime has
# none otherwise), so the server and a client without the AOT cache start fast too. Only the compressed-oops
# one is kept: knock's heaps are far below 32 GB, and it would add another 14 MB.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --generate-cds-archive --output "$stage/runtime" >/dev/null
rm -f "$stage/runtime/lib/server/classes_nocoops.jsa"
# The runtime's java.security without its 69 kB of comments (src/build/StripComments.java checks that the
# properties stay the same): both knock and knock-server parse it at every start, in the interpreter.
"$jdk/bin/java" "$dist/src/build/StripComments.java" "$stage/runtime/conf/security/java.security" >/dev/null \
  || { echo "stage: cannot strip the runtime's java.security" >&2; exit 1; }

for mode in daemon kernel; do
  for family in 4 6; do
    "$stage/bin/knock-server" rules --config "$stage/etc/knock-server.conf" --mode $mode --family $family \
      > "$stage/etc/rules/knock-server.$mode.rules$family"
  done
done

# Packets go to loopback only; nothing listens on the knock ports, the knocks are still sent and timed.
# The workload (knock.client.cli.AotTraining): a plain three-step knock (to 127.0.0.1, and to localhost: host
# name lookups are trained too), a signed knock and knock proxy, in one run; stdin is /dev/null, so the proxy's
# relay ends when its listener closes. The cache holds the classes, linked, but no method profiles
# (-AOTRecordTraining): replaying them made each knock's JVM compile at start-up, 3-5 % of its wall time and
# about 10 % of its CPU, for a process that lives 30 ms (benchmarks/README.md).
echo "stage: training the AOT cache: plain knocks, a signed knock and knock proxy, to loopback"
KNOCK_AOT=off KNOCK_JAVA_OPTS="-XX:AOTCacheOutput=$stage/lib/knock.aot -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining" \
  "$stage/libexec/launch" knock.client.cli.AotTraining < /dev/null > "$target/aot-training.log" 2>&1 || {
    cat "$target/aot-training.log" >&2
    echo "stage: AOT training failed" >&2
    exit 1
  }
[ -s "$stage/lib/knock.aot" ] || { echo "stage: no AOT cache written" >&2; exit 1; }
# The cache must map, or it is dead weight: check it with AOTMode=on (fails instead of falling back).
KNOCK_AOT=off KNOCK_JAVA_OPTS="-XX:AOTCache=$stage/lib/knock.aot -XX:AOTMode=on" \
  "$stage/bin/knock" 127.0.0.1 7000/tcp >/dev/null

# The daemon's cache, trained on the staged daemon in namespaces of its own (root only; else none).
"$dist/src/package/train-daemon.sh" "$stage"

tarball=$target/$name-linux-$(uname -m).tar.gz
tar --owner=0 --group=0 --numeric-owner -C "$target" -czf "$tarball" "$name"

# The .deb's tree, from the stage with mtimes kept (cp -a), so the AOT cache still matches.
root=$target/deb/root
mkdir -p "$root"/usr/lib/knock "$root"/usr/bin "$root"/lib/systemd/system "$root"/usr/share/man/man1 \
  "$root"/usr/share/bash-completion/completions "$root"/usr/share/doc/knock/examples "$target/deb/etc" \
  "$target/deb/modprobe.d"
cp -a "$stage"/bin "$stage"/libexec "$stage"/lib "$stage"/runtime "$root/usr/lib/knock/"
ln -s ../lib/knock/bin/knock "$root/usr/bin/knock"
ln -s ../lib/knock/bin/knock-server "$root/usr/bin/knock-server"
cp -p "$stage"/systemd/*.service "$root/lib/systemd/system/"
for page in "$stage"/man/man1/*.1; do
  gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
done
cp -p "$stage"/completion/* "$root/usr/share/bash-completion/completions/"
cp -p "$stage"/README.md "$root/usr/share/doc/knock/"
cp -a "$stage"/etc/. "$root/usr/share/doc/knock/examples/"
cp -p "$stage"/etc/knock-server.conf "$target/deb/etc/"
cp -p "$stage"/modprobe.d/knock.conf "$target/deb/modprobe.d/"
chmod -R u=rwX,go=rX "$root" "$target/deb/etc" "$target/deb/modprobe.d"
tar --owner=0 --group=0 --numeric-owner -C "$root" -czf "$target/deb/data.tar.gz" .

echo "stage: $(du -h "$tarball" | cut -f1) $tarball; runtime $(du -sh "$stage/runtime" | cut -f1);" \
  "AOT cache $(du -h "$stage/lib/knock.aot" | cut -f1)"
