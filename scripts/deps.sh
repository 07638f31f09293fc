#!/bin/sh
# deps.sh: make sure the Debian packages firstline builds and tests with are
# installed.  As root, installs what is missing with apt-get; otherwise
# prints the exact apt-get line and fails.  Usage: deps.sh build|check|fuzz|bench
set -eu
mode=${1:-build}
# fuzz: the libFuzzer builds need clang and its runtime
pkgs="gcc make meson ninja-build pkg-config python3 libsqlite3-dev libjansson-dev libexpat1-dev libsodium-dev libssl-dev libcurl4-openssl-dev libfyaml-dev libpcre2-dev libvectorscan-dev zlib1g-dev libzstd-dev"
if [ "$mode" = check ]; then
	pkgs="$pkgs libcmocka-dev sqlite3"
	# notify tests: a real SMTP server and a self-signed certificate
	pkgs="$pkgs python3-aiosmtpd openssl"
fi
# bench: bench/import.sh compares with expat's xmlwf, bench/detect.sh with
# ripgrep and libevtx's evtxexport; both measure with GNU time
if [ "$mode" = bench ]; then
	pkgs="$pkgs expat time ripgrep libevtx-utils"
fi
if [ "$mode" = fuzz ]; then
	pkgs="$pkgs libcmocka-dev clang libclang-rt-dev"
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "firstline needs these Debian packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null 2>&1 || apt-get install -y $missing
