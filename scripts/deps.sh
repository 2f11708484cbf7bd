#!/usr/bin/env bash
# Installs the Debian packages langso needs to build, run its demo and run its tests.
# A no-op when everything is present; otherwise apt-get as root (or through sudo).
set -euo pipefail
pkgs=(build-essential pkg-config clang libclang-rt-14-dev
      libmicrohttpd-dev libsqlite3-dev sqlite3 libpcre2-dev libcurl4-openssl-dev
      libutf8proc-dev libjansson-dev libsodium-dev libcsv-dev
      libh2o-evloop-dev
      kannel kannel-extras kannel-dev libnet-smpp-perl curl wrk valgrind python3 bc
      libjs-chart.js chromium chromium-driver python3-selenium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
