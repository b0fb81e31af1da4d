#include "support.h"

#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

tcps_segment tcpt_seg(uint8_t flags, uint32_t seq, uint32_t ack)
{
	tcps_segment s;

	memset(&s, 0, sizeof s);
	s.sport = TCPT_CLIENT_PORT;
	s.dport = TCPT_SERVER_PORT;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.wnd = 65535;
	return s;
}

uint8_t *tcpt_dup_exact(const void *bytes, size_t len)
{
	/* No rounding up for len 0: a zero-byte block (or NULL) makes any
	 * read at all a sanitizer report. */
	uint8_t *p = malloc(len);

	if (len) {
		assert_non_null(p);
		memcpy(p, bytes, len);
	}
	return p;
}
