# Sourced (POSIX sh) by mvnw and every script: points JAVA_HOME at a JDK >= 25 without the user exporting
# anything. Candidates: $JAVA_HOME, the javac on PATH, then /usr/lib/jvm/* and /opt/*; an explicit JAVA_HOME
# that is new enough wins, otherwise the newest. Where none is found it prints one line and returns 1.

knock_jdk_feature() { # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

knock_find_jdk() {
  _knock_min=${KNOCK_MIN_JDK:-25}
  _knock_best= _knock_bestv=0
  if [ -n "${JAVA_HOME-}" ]; then
    _knock_v=$(knock_jdk_feature "$JAVA_HOME")
    if [ -n "$_knock_v" ] && [ "$_knock_v" -ge "$_knock_min" ]; then
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  fi
  _knock_path_jdk=
  if command -v javac >/dev/null 2>&1; then
    _knock_path_jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  fi
  # mvnw runs with set -f: globbing must be on for the directory scan
  case $- in *f*) _knock_noglob=1; set +f ;; *) _knock_noglob= ;; esac
  _knock_dirs=$(echo $_knock_path_jdk /usr/lib/jvm/* /opt/*jdk* /opt/java/*)
  [ -z "$_knock_noglob" ] || set -f
  for _knock_dir in $_knock_dirs; do
    [ -d "$_knock_dir" ] || continue
    _knock_v=$(knock_jdk_feature "$_knock_dir")
    [ -n "$_knock_v" ] || continue
    if [ "$_knock_v" -ge "$_knock_min" ] && [ "$_knock_v" -gt "$_knock_bestv" ]; then
      _knock_best=$_knock_dir _knock_bestv=$_knock_v
    fi
  done
  if [ -z "$_knock_best" ]; then
    echo "knock: needs a JDK $_knock_min or newer (none in JAVA_HOME, PATH, /usr/lib/jvm or /opt); install one, e.g. Temurin $_knock_min" >&2
    return 1
  fi
  export JAVA_HOME="$_knock_best"
  export PATH="$JAVA_HOME/bin:$PATH"
}
