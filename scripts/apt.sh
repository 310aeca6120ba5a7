# shellcheck shell=bash
# Sourced by the check scripts: `apt_install PKG...` installs Debian packages a fresh machine
# lacks, running `apt-get update` once first, with sudo when not root. Set APT_WHO to name the
# caller in the message.
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_UPDATED=0
apt_install() {
  echo "${APT_WHO:-apt}: installing $* (apt)" >&2
  if [ "$APT_UPDATED" -eq 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
