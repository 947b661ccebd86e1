# Sourced by the scripts: installs the Debian packages the tests and the demo need, when missing.
# Needs root for apt-get; without it, names what is missing and goes on (namespace tests then skip,
# except under CI=true where they fail).

knock_install_prereqs() {
  missing=""
  command -v iptables-restore >/dev/null 2>&1 || missing="$missing iptables"
  command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
  [ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
  command -v ssh >/dev/null 2>&1 || missing="$missing openssh-client"
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "knock: missing Debian packages:$missing (run as root to install them; namespace tests need root)" >&2
    return 0
  fi
  echo "knock: installing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  if ! apt-get install -y -q $missing >/tmp/knock-apt.log 2>&1; then
    apt-get update -q >>/tmp/knock-apt.log 2>&1 || true
    # shellcheck disable=SC2086
    apt-get install -y -q $missing >>/tmp/knock-apt.log 2>&1 || {
      echo "knock: apt-get install$missing failed; see /tmp/knock-apt.log" >&2
      return 1
    }
  fi
}
