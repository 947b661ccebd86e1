#!/usr/bin/env bash
# Runs every test: installs the Debian packages the namespace tests need when missing, builds with the
# Maven wrapper on a JDK >= 25 it finds by itself, and runs unit and namespace tests; then, as root, the
# package check (scripts/check-package.sh: dpkg -i the built .deb, systemd-analyze verify, the installed
# binaries end to end in namespaces, dpkg --purge) and the demo (./demo.sh --no-build), its exit code checked.
# Namespace tests need root; as a normal user they skip with a reason. With CI=true they must run:
# a missing prerequisite fails them, and a skipped test fails this script.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
knock_find_jdk
. scripts/prereqs.sh
knock_install_prereqs

./mvnw -B -ntp verify "$@"

if [ "${CI:-}" = true ]; then
  skipped=$(grep -l '<skipped' ./*/target/surefire-reports/TEST-*.xml 2>/dev/null || true)
  if [ -n "$skipped" ]; then
    echo "knock: CI=true but tests were skipped in:" >&2
    echo "$skipped" >&2
    exit 1
  fi
  echo "knock: all tests ran, none skipped"
fi

if [ "$(id -u)" = 0 ]; then
  scripts/check-package.sh
  # The README's main job, end to end, on the distribution just built: every step must behave as narrated.
  ./demo.sh --no-build || { status=$?; echo "knock: the demo failed (exit $status)" >&2; exit "$status"; }
  echo "knock: the demo ran, every step as narrated"
elif [ "${CI:-}" = true ]; then
  echo "knock: CI=true but not root: the package check (dpkg -i, namespaces) cannot run" >&2
  exit 1
else
  echo "knock: package check and demo skipped: they need root (sudo ./test.sh)"
fi
