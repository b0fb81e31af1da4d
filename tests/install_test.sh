#!/usr/bin/env bash
# `cmake --install` gives a library, headers and a pkg-config file that a
# program outside the tree builds and links against.
set -eu
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cat >"$tmp/app.c" <<'C'
#include <tcpstate/tcpstate.h>
#include <stdio.h>
int main(void)
{
	tcps_conn *c = tcps_conn_new(NULL);
	int ok = c && tcps_get_state(c) == TCPS_CLOSED;
	tcps_conn_free(c);
	puts(tcps_state_name(TCPS_TIME_WAIT));
	return ok ? 0 : 1;
}
C
export PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig
# shellcheck disable=SC2046
cc -std=c11 "$tmp/app.c" $(pkg-config --cflags --libs tcpstate) -o "$tmp/app"
[ "$("$tmp/app")" = TIME_WAIT ]
echo "install: 1 passed, 0 failed"
