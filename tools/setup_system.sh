#!/usr/bin/env bash
# Install the Debian packages a target needs, only when they are missing, and
# say what is installed. Usage: tools/setup_system.sh build|test
set -euo pipefail
# libharfbuzz-subset0: WeasyPrint subsets fonts with it when present, with
# fontTools otherwise (different bytes); chromium pulls it in for the tests, so
# without it here a PDF made by `make` differs from one made after `make test`.
build_pkgs=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0)
test_pkgs=("${build_pkgs[@]}" chromium poppler-utils)
case "${1:-build}" in
  build) wanted=("${build_pkgs[@]}") ;;
  test) wanted=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing Debian packages: ${missing[*]}"
if ! command -v apt-get >/dev/null; then
  echo "setup: apt-get not found; install these packages yourself: ${missing[*]}" >&2; exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: installed ${missing[*]}"
