# Sourced by the scripts: installs the Debian packages the tests and the demo need, when missing.
# Needs root for apt-get; without it, names what is missing and goes on (namespace tests then skip,
# except under CI=true where they fail).

# knock_apt_install PKG...: installs the packages, refreshing the package lists once if the first try fails
# (a fresh machine may have none); one line and status 1 on failure, the log in /tmp/knock-apt.log.
knock_apt_install() {
  echo "knock: installing Debian packages: $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "$@" >/tmp/knock-apt.log 2>&1; then
    apt-get update -q >>/tmp/knock-apt.log 2>&1 || true
    apt-get install -y -q "$@" >>/tmp/knock-apt.log 2>&1 || {
      echo "knock: apt-get install $* failed; see /tmp/knock-apt.log" >&2
      return 1
    }
  fi
}

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
  # shellcheck disable=SC2086 # a word list
  knock_apt_install $missing
}
