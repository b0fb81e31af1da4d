#!/usr/bin/env bash
# The engine is sans-IO: libtcpstate may call nothing from libc but memory
# functions, and may allocate only in conn.c (tcps_conn_new/free).  A new
# call to a clock, a socket, a file or printf fails here.
set -euo pipefail
lib=$1
allowed='^(malloc|free|memcpy|memmove|memset|memcmp|toupper|__ctype_toupper_loc|__assert_fail|_GLOBAL_OFFSET_TABLE_|__stack_chk_fail)$'
# The ELF symbol tables, member by member, read with readelf rather than
# nm: in an LTO build's (fat) objects nm reads the compiler's own symbol
# table through its plugin, where calls to builtins such as malloc do not
# show.  Lines: member, section index (UND when needed), name.
syms=$(readelf -sW "$lib" | awk '
	/^File: / { m = $2; sub(/.*\(/, "", m); sub(/\)$/, "", m) }
	$1 ~ /^[0-9]+:$/ && NF >= 8 { print m, $7, $8 }')
defined=$(echo "$syms" | awk '$2 != "UND" { print $3 }' | sort -u)
needed=$(echo "$syms" | awk '$2 == "UND" { print $3 }' | sort -u)
external=$(comm -23 <(echo "$needed") <(echo "$defined"))
bad=$(echo "$external" | grep -Ev "$allowed" | grep -v '^__\(a\|u\)san\|^__ubsan\|^__sanitizer\|^__asan' || true)
if [ -n "$bad" ]; then
	echo "engine calls outside the sans-IO allowlist:" $bad >&2
	exit 1
fi
# Allocation lives in conn.c alone.
allocs=$(echo "$syms" | awk '$2 == "UND" && $3 ~ /^(malloc|calloc|realloc)$/ { print $1 }' | sort -u)
[ -n "$allocs" ] || { echo "no allocation found at all: is this the engine library?" >&2; exit 1; }
for o in $allocs; do
	case "$o" in conn.c.o) ;; *) echo "allocation outside conn.c: $o" >&2; exit 1 ;; esac
done
echo "engine sans-IO: 1 passed, 0 failed"
