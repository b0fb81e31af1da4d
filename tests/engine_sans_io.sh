#!/usr/bin/env bash
# The engine is sans-IO: libtcpstate may call nothing from libc but memory
# functions, and may allocate only in conn.c (tcps_conn_new/free).  A new
# call to a clock, a socket, a file or printf fails here.
set -euo pipefail
lib=$1
allowed='^(malloc|free|memcpy|memmove|memset|memcmp|toupper|__ctype_toupper_loc|__assert_fail|_GLOBAL_OFFSET_TABLE_|__stack_chk_fail)$'
# Symbols the library needs and does not define itself.
defined=$(nm --defined-only "$lib" 2>/dev/null | awk 'NF==3{print $3}' | sort -u)
needed=$(nm -u "$lib" | awk '{print $2}' | sort -u)
external=$(comm -23 <(echo "$needed") <(echo "$defined"))
bad=$(echo "$external" | grep -Ev "$allowed" | grep -v '^__\(a\|u\)san\|^__ubsan\|^__sanitizer\|^__asan' || true)
if [ -n "$bad" ]; then
	echo "engine calls outside the sans-IO allowlist:" $bad >&2
	exit 1
fi
# Allocation lives in conn.c alone.
allocs=$(nm -A -u "$lib" | awk '$NF ~ /^(malloc|calloc|realloc)$/ {split($1, p, ":"); print p[2]}' | sort -u)
[ -n "$allocs" ] || { echo "no allocation found at all: is this the engine library?" >&2; exit 1; }
for o in $allocs; do
	case "$o" in conn.c.o) ;; *) echo "allocation outside conn.c: $o" >&2; exit 1 ;; esac
done
echo "engine sans-IO: 1 passed, 0 failed"
