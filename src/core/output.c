/* What to send next (RFC 9293 §3.8.6 and §3.10), one segment per call:
 * a queued RST, the SYN, a retransmission, new text and FIN as the windows,
 * Nagle and SWS avoidance allow, a zero-window or keep-alive probe, and
 * finally a bare ACK when one is owed. */
#include "conn.h"

#include <string.h>

void out_queue_rst(tcps_conn *c, uint32_t seq, uint32_t ack, uint8_t flags)
{
	c->rst_pending = true;
	c->rst_seq = seq;
	c->rst_ack = ack;
	c->rst_flags = flags;
	c->rst_sport = c->tuple.local_port;
	c->rst_dport = c->tuple.remote_port;
}

int tcps_reset_for(const tcps_segment *in, tcps_segment *rst)
{
	if (in->flags & TCPS_RST)
		return 0;
	memset(rst, 0, sizeof *rst);
	rst->sport = in->dport;
	rst->dport = in->sport;
	if (in->flags & TCPS_ACK) {
		rst->seq = in->ack;
		rst->flags = TCPS_RST;
	} else {
		rst->ack = in->seq + tcps_seg_len(in);
		rst->flags = TCPS_RST | TCPS_ACK;
	}
	return 1;
}

/* Receiver SWS avoidance (§3.8.6.2.2): the right edge moves only by
 * min(half the buffer, one MSS) or more, and never back (SHLD-14). */
static uint32_t window_to_advertise(tcps_conn *c)
{
	uint32_t right = c->rcv_nxt + conn_rcv_wnd(c);
	uint32_t step = c->rcv.cap / 2 < c->cfg.mss ? c->rcv.cap / 2 : c->cfg.mss;
	if (seq_lt(c->rcv_adv, c->rcv_nxt))
		c->rcv_adv = c->rcv_nxt;
	if (seq_gt(right, c->rcv_adv) && right - c->rcv_adv >= step)
		c->rcv_adv = right;
	return c->rcv_adv - c->rcv_nxt;
}

void conn_window_opened(tcps_conn *c)
{
	/* Tell the peer when the window it knows has fallen under half the
	 * buffer and can now move by a useful step: without this a sender
	 * stopped by a zero window would wait for its persist timer. */
	uint32_t known = c->rcv_adv - c->rcv_nxt;
	uint32_t right = c->rcv_nxt + conn_rcv_wnd(c);
	uint32_t step = c->rcv.cap / 2 < c->cfg.mss ? c->rcv.cap / 2 : c->cfg.mss;
	if (c->state >= TCPS_ESTABLISHED && c->state <= TCPS_FIN_WAIT_2 && known < c->rcv.cap / 2 &&
	    seq_gt(right, c->rcv_adv) && right - c->rcv_adv >= step)
		c->ack_now = true;
}

/* Fields every segment of this connection carries. */
static void header(tcps_conn *c, tcps_segment *s, uint32_t seq, uint8_t flags, uint64_t now)
{
	memset(s, 0, sizeof *s);
	s->sport = c->tuple.local_port;
	s->dport = c->tuple.remote_port;
	s->seq = seq;
	s->flags = flags;
	if (flags & TCPS_ACK) {
		s->ack = c->rcv_nxt;
		c->last_ack_sent = c->rcv_nxt;
		c->ack_now = false;
		c->delack_at = TCPS_NEVER;
		c->rcv_unacked = 0;
	}
	if (flags & TCPS_SYN) {
		/* A SYN's window is never scaled (RFC 7323 §2.2). */
		uint32_t w = window_to_advertise(c);
		s->wnd = (uint16_t)(w > 65535 ? 65535 : w);
		s->options = TCPS_OPT_MSS;
		s->mss = c->cfg.mss;
		bool answering = c->state != TCPS_SYN_SENT;
		if (answering ? c->ws_ok : c->cfg.wscale >= 0) {
			s->options |= TCPS_OPT_WSCALE;
			s->wscale = c->rcv_wscale;
		}
		if (answering ? c->sack_ok : c->cfg.sack)
			s->options |= TCPS_OPT_SACK_OK;
		if (answering ? c->ts_ok : c->cfg.timestamps) {
			s->options |= TCPS_OPT_TS;
			s->tsval = conn_ts_clock(now);
			s->tsecr = answering ? c->ts_recent : 0;
		}
	} else {
		uint32_t w = window_to_advertise(c) >> c->rcv_wscale;
		s->wnd = (uint16_t)(w > 65535 ? 65535 : w);
		if (c->ts_ok) {
			s->options = TCPS_OPT_TS;
			s->tsval = conn_ts_clock(now);
			s->tsecr = c->ts_recent;
		}
		if (c->sack_ok && c->nreasm && (flags & TCPS_ACK)) {
			s->nsack = rcv_sack_blocks(c, s->sack, c->ts_ok ? 3 : 4);
			s->options |= TCPS_OPT_SACK;
		}
	}
	c->segs_out++;
}

static uint32_t data_end(const tcps_conn *c)
{
	return c->data_seq + c->snd.len;
}

/* The segment that starts at `seq` (SYN, text, FIN) with at most `max`
 * bytes of text; returns its SEG.LEN. */
static uint32_t segment_at(tcps_conn *c, tcps_segment *s, uint8_t *buf, size_t cap, uint32_t seq,
			   uint32_t max, uint64_t now)
{
	if (seq == c->iss && c->snd_una == c->iss) {
		header(c, s, seq, c->state == TCPS_SYN_SENT ? TCPS_SYN : TCPS_SYN | TCPS_ACK, now);
		return 1;
	}
	uint32_t end = data_end(c);
	uint32_t len = seq_lt(seq, end) ? end - seq : 0;
	/* SND.MSS counts the timestamp option only; SACK blocks in this
	 * segment must come out of its text too (MUST-16). */
	if (c->sack_ok && c->nreasm) {
		uint32_t blocks = c->nreasm < (c->ts_ok ? 3u : 4u) ? c->nreasm : (c->ts_ok ? 3u : 4u);
		uint32_t opt = (2 + 8 * blocks + 3) & ~3u;
		uint32_t room = c->snd_mss > opt ? c->snd_mss - opt : 1;
		if (max > room)
			max = room;
	}
	if (len > max)
		len = max;
	if (len > cap)
		len = (uint32_t)cap;
	uint8_t flags = TCPS_ACK;
	if (len && seq + len == end)
		flags |= TCPS_PSH;
	if (c->fin_queued && seq + len == end)
		flags |= TCPS_FIN;
	header(c, s, seq, flags, now);
	ring_peek(&c->snd, seq - c->data_seq, buf, len);
	s->data = buf;
	s->len = len;
	return tcps_seg_len(s);
}

/* Sequence space went out: move SND.NXT, time it (Karn: never a
 * retransmission), keep the retransmission timer running. */
static void sent(tcps_conn *c, uint32_t seq, uint32_t seglen, uint64_t now)
{
	uint32_t end = seq + seglen;
	bool fresh = seq_geq(seq, c->snd_max);
	if (seq_gt(end, c->snd_nxt))
		c->snd_nxt = end;
	if (seq_gt(end, c->snd_max))
		c->snd_max = end;
	if (fresh && !c->rtt_timing) {
		c->rtt_timing = true;
		c->rtt_seq = end;
		c->rtt_start = now;
	} else if (!fresh) {
		c->rtt_timing = false;
	}
	if (c->persist_at == TCPS_NEVER)
		rexmt_arm(c, now);
	tlp_arm(c, now);
}

/* The first or second duplicate ACK has come, and new data may go past
 * cwnd for it (RFC 3042: not in recovery, not while resending). */
static bool limited_transmit(const tcps_conn *c)
{
	return c->dupacks && c->dupacks < TCPS_DUPACK_THRESH && !c->in_recovery && c->snd_nxt == c->snd_max;
}

/* How much new text may go now, and whether the FIN may follow it
 * (§3.7.4 Nagle, §3.8.6.2.1 sender SWS avoidance, RFC 5681 cwnd). */
static bool may_send(const tcps_conn *c, uint32_t *out_len)
{
	uint32_t end = data_end(c);
	if (seq_gt(c->snd_nxt, end))
		return false; /* FIN already sent */
	uint32_t avail = end - c->snd_nxt;
	/* Limited Transmit (RFC 5681 §3.2, RFC 3042): the first and second
	 * duplicate ACKs each let one segment of new data past cwnd (never
	 * past the peer's window), so that a small flight still draws the
	 * three duplicates fast retransmit needs instead of a timeout. */
	uint32_t cwnd = c->cwnd;
	if (limited_transmit(c))
		cwnd += c->dupacks * c->snd_mss;
	uint32_t wnd = c->snd_wnd < cwnd ? c->snd_wnd : cwnd;
	uint32_t flight = c->snd_nxt - c->snd_una;
	uint32_t usable = wnd > flight ? wnd - flight : 0;
	uint32_t len = avail < usable ? avail : usable;
	if (len > c->snd_mss)
		len = c->snd_mss;
	*out_len = len;
	bool fin = c->fin_queued && len == avail;
	if (len == 0)
		return fin;
	if (len == c->snd_mss || fin)
		return true;
	if (seq_lt(c->snd_nxt, c->snd_max))
		return true; /* resending after a timeout */
	if (len == avail && (!c->cfg.nagle || flight == 0))
		return true;
	return c->max_snd_wnd && len >= c->max_snd_wnd / 2;
}

/* A window too small for the waiting text, with nothing in flight to
 * bring an update: probe it (§3.8.6.1, MUST-36, SHLD-29).  "Nothing in
 * flight" includes a flight a timeout sent us back over (SND.NXT pulled
 * back to SND.UNA) while the window is shut: the retransmission cannot
 * go, and without probes a live peer would be timed out (MUST-37). */
static void persist_check(tcps_conn *c, uint64_t now)
{
	if (c->persist_at != TCPS_NEVER || c->snd_nxt != c->snd_una)
		return;
	uint32_t end = data_end(c);
	if (seq_lt(c->snd_nxt, end) && c->snd_wnd < end - c->snd_nxt && c->snd_wnd < c->snd_mss) {
		c->rexmt_at = TCPS_NEVER;
		c->first_rexmit_at = TCPS_NEVER; /* probing is not giving up */
		c->persist_at = now + c->rto;
	}
}

static int send_rst(tcps_conn *c, tcps_segment *s)
{
	memset(s, 0, sizeof *s);
	s->sport = c->rst_sport;
	s->dport = c->rst_dport;
	s->seq = c->rst_seq;
	s->ack = c->rst_ack;
	s->flags = c->rst_flags;
	c->rst_pending = false;
	c->segs_out++;
	return 1;
}

/* The tail loss probe (RFC 8985 §7.3): new text when the peer's window
 * takes it (past cwnd: one segment), else the last segment again. */
static void send_probe(tcps_conn *c, tcps_segment *s, uint8_t *buf, size_t cap, uint64_t now)
{
	uint32_t end = data_end(c), wnd_end = c->snd_una + c->snd_wnd, seq, max;
	c->tlp_rexmit = !(seq_lt(c->snd_nxt, end) && seq_gt(wnd_end, c->snd_nxt));
	if (!c->tlp_rexmit) {
		seq = c->snd_nxt;
		max = wnd_end - seq < c->snd_mss ? wnd_end - seq : c->snd_mss;
	} else {
		uint32_t span = conn_flight(c);
		max = span < c->snd_mss ? span : c->snd_mss;
		seq = c->snd_max - max;
		c->retransmits++;
	}
	c->tlp_out = true; /* before sent(): no new probe armed for this one */
	c->tlp_flight = conn_flight(c);
	sent(c, seq, segment_at(c, s, buf, cap, seq, max, now), now);
	c->tlp_high = c->snd_max;
}

int tcps_output(tcps_conn *c, tcps_segment *s, uint8_t *buf, size_t cap, uint64_t now)
{
	if (c->rst_pending)
		return send_rst(c, s);
	if (c->state == TCPS_CLOSED || c->state == TCPS_LISTEN)
		return 0;

	bool syn_acked = c->snd_una != c->iss;
	if (!syn_acked && c->snd_nxt == c->iss) {
		sent(c, c->iss, segment_at(c, s, buf, cap, c->iss, 0, now), now);
		return 1;
	}
	/* Text and FIN wait for the handshake: our SYN must be acknowledged. */
	if (syn_acked && c->state != TCPS_TIME_WAIT) {
		uint32_t len;
		if (c->tlp_pending) {
			c->tlp_pending = false;
			send_probe(c, s, buf, cap, now);
			return 1;
		}
		if (c->rexmit_one) {
			c->rexmit_one = false;
			c->rexmit_marked = true;
			c->rexmit_mark = c->snd_max;
			sent(c, c->snd_una, segment_at(c, s, buf, cap, c->snd_una, c->snd_mss, now), now);
			return 1;
		}
		if (may_send(c, &len)) {
			uint32_t seq = c->snd_nxt;
			if (limited_transmit(c))
				c->lt_bytes += len;
			sent(c, seq, segment_at(c, s, buf, cap, seq, len, now), now);
			return 1;
		}
		persist_check(c, now);
		if (c->probe_pending) {
			/* A shut window gets one byte past its edge, sent again while
			 * it stays shut; a window too small for SWS avoidance gets
			 * what fits (§3.8.6.2.1's override timeout). */
			c->probe_pending = false;
			uint32_t fit = c->snd_wnd < c->snd_mss ? c->snd_wnd : c->snd_mss;
			uint32_t seqlen = segment_at(c, s, buf, cap, c->snd_una, fit ? fit : 1, now);
			uint32_t end = c->snd_una + seqlen;
			if (seq_gt(end, c->snd_nxt))
				c->snd_nxt = end;
			if (seq_gt(end, c->snd_max))
				c->snd_max = end;
			return 1;
		}
		if (c->keepalive_pending) {
			/* §3.8.4: SEG.SEQ = SND.NXT - 1 draws an ACK from a live peer. */
			c->keepalive_pending = false;
			header(c, s, c->snd_nxt - 1, TCPS_ACK, now);
			return 1;
		}
	}
	if (c->ack_now && c->state != TCPS_SYN_SENT) {
		/* The RFC's SND.NXT is our snd_max: snd_nxt is pulled back while
		 * resending, and an ACK numbered below the peer's RCV.NXT would be
		 * dropped as old (both ends resending at once: an ACK war). */
		header(c, s, c->snd_max, TCPS_ACK, now);
		return 1;
	}
	return 0;
}
