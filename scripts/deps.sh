#!/usr/bin/env bash
# Installs what tcpstate needs to build and test on Debian 12, only when
# something is missing (so a second run costs a second, not a minute).
set -euo pipefail
pkgs=(build-essential cmake pkg-config libcmocka-dev libpcap-dev libmnl-dev
	clang-14 libclang-rt-14-dev   # libFuzzer
	python3 iproute2 nftables tcpdump iputils-ping procps   # the kernel tests' tools
	tshark)   # the second opinion on the oracle captures' labels
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "installing: ${missing[*]}" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
