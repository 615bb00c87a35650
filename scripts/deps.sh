#!/bin/sh
# Install the Debian packages redchat builds and tests with, when missing.
# Uses sudo when not root. Safe to run again: installs only what is absent.
set -eu

PACKAGES="build-essential pkg-config libpcap-dev libcmocka-dev libedit-dev
python3 python3-pytest netcat-openbsd socat tcpdump iproute2 nftables iptables
libnetfilter-queue-dev
gnuplot-nox valgrind clang tshark tmux stress-ng
imagemagick libmagickcore-6.q16-6-extra librsvg2-bin
zlib1g-dev chromium chromium-driver python3-selenium firefox-esr"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "redchat: installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
