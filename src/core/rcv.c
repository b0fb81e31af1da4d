/* The receive buffer: text in order is readable at once; text out of
 * order waits in place in the same ring, its ranges listed in reasm[]
 * (SHLD-31), until the gap before it fills. */
#include "conn.h"

#include <string.h>

/* Absorbs the ranges that RCV.NXT now reaches. */
static void absorb(tcps_conn *c)
{
	while (c->nreasm && seq_leq(c->reasm[0].start, c->rcv_nxt)) {
		if (seq_gt(c->reasm[0].end, c->rcv_nxt)) {
			c->rcv.len += c->reasm[0].end - c->rcv_nxt;
			c->rcv_nxt = c->reasm[0].end;
		}
		c->nreasm--;
		memmove(&c->reasm[0], &c->reasm[1], c->nreasm * sizeof c->reasm[0]);
	}
}

/* Adds [start, end), merging with what it touches; ranges stay sorted
 * and disjoint.  With no slot left the range is forgotten (its bytes are
 * simply overwritten later) and the sender repairs the loss. */
static void range_add(tcps_conn *c, uint32_t start, uint32_t end)
{
	uint8_t i = 0;
	while (i < c->nreasm && seq_lt(c->reasm[i].end, start))
		i++;
	uint8_t j = i;
	while (j < c->nreasm && seq_leq(c->reasm[j].start, end)) {
		start = seq_min(start, c->reasm[j].start);
		end = seq_max(end, c->reasm[j].end);
		j++;
	}
	if (i == j && c->nreasm == TCPS_REASM_MAX)
		return;
	/* Replace reasm[i..j) by the merged range. */
	uint8_t tail = (uint8_t)(c->nreasm - j);
	memmove(&c->reasm[i + 1], &c->reasm[j], tail * sizeof c->reasm[0]);
	c->reasm[i] = (tcps_range){ start, end };
	c->nreasm = (uint8_t)(i + 1 + tail);
	c->sack_recent = start;
}

bool rcv_text(tcps_conn *c, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t off = seq - c->rcv_nxt;
	ring_put(&c->rcv, c->rcv.len + off, data, len);
	if (off) {
		range_add(c, seq, seq + len);
		return true;
	}
	c->rcv.len += len;
	c->rcv_nxt += len;
	if (!c->nreasm)
		return false;
	uint8_t before = c->nreasm;
	absorb(c);
	return c->nreasm != before;
}

/* RFC 2018 §4: the block holding the latest arrival first, then the rest. */
uint8_t rcv_sack_blocks(const tcps_conn *c, tcps_sack_block *out, uint8_t max)
{
	uint8_t n = 0;
	for (uint8_t i = 0; i < c->nreasm && n < max; i++)
		if (c->reasm[i].start == c->sack_recent)
			out[n++] = (tcps_sack_block){ c->reasm[i].start, c->reasm[i].end };
	for (uint8_t i = 0; i < c->nreasm && n < max; i++)
		if (c->reasm[i].start != c->sack_recent)
			out[n++] = (tcps_sack_block){ c->reasm[i].start, c->reasm[i].end };
	return n;
}
