#!/usr/bin/env bash
# Installs the Debian packages the project calls as programs, only when missing.
# As a normal user without them we say what to run instead of failing half-way.
set -euo pipefail
missing=()
for pkg in "$@"; do
  case "$pkg" in
    potrace) command -v potrace >/dev/null 2>&1 || missing+=(potrace) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    *) missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
