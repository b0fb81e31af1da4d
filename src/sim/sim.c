/* The simulator's event loop.  See sim.h. */
#include "sim/sim.h"

#include <string.h>

/* Sequence order modulo 2^32 (RFC 9293 §3.4). */
static bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* One drain may legitimately send a full window of segments; an engine
 * that sends more than this in one go without any input is broken. */
#define SIM_MAX_BURST 100000

int sim_init(sim *s, const sim_path *c2s, const sim_path *s2c, uint64_t seed, size_t slot_size)
{
	memset(s, 0, sizeof *s);
	s->wake_at = TCPS_NEVER;
	s->max_steps = 10000000;
	s->max_time = 3600 * TCPS_NS_PER_S;
	/* 64 slots hold a default window's worth of full segments in each
	 * direction; the pool doubles if a scenario needs more. */
	return sim_link_init(&s->link, c2s, s2c, seed, slot_size, 64) < 0 ? SIM_ERR_NOMEM : 0;
}

void sim_free(sim *s)
{
	sim_link_free(&s->link);
}

void sim_wake_at(sim *s, uint64_t t)
{
	if (t < s->wake_at)
		s->wake_at = t < s->now ? s->now : t;
}

void sim_stop(sim *s)
{
	s->stopped = true;
}

void sim_new_connection(sim *s)
{
	for (int i = 0; i < 2; i++) {
		s->sent_any[i] = false;
		s->syn_flags[i] = 0;
	}
}

static tcps_state state_of(const sim *s, int side)
{
	return s->conn[side] ? tcps_get_state(s->conn[side]) : TCPS_CLOSED;
}

/* Reports an event with both endpoints' states: the receiver's as they
 * are now, the sender's as given (its state when it sent the segment,
 * which a later user call may have changed by the time it arrives). */
static void observe(sim *s, sim_seg_event *ev, tcps_state sender)
{
	if (!s->observer)
		return;
	ev->state[ev->from] = sender;
	ev->state[!ev->from] = state_of(s, !ev->from);
	s->observer(s->observer_user, ev);
}

/* Marks a segment that covers sequence space its sender had already sent:
 * the ground truth the ladder's "retransmission" label needs, which an
 * observer on the wire could only guess at. */
static bool is_rexmit(sim *s, int side, const tcps_segment *seg)
{
	uint32_t len = tcps_seg_len(seg);
	if (seg->flags & TCPS_RST)
		return false;
	/* A SYN,ACK after our own SYN (simultaneous open) covers the same
	 * number but is a new segment: only the same kind of SYN again is a
	 * retransmission. */
	uint8_t syn = seg->flags & (TCPS_SYN | TCPS_ACK);
	if (seg->flags & TCPS_SYN) {
		bool again = s->sent_any[side] && s->syn_flags[side] == syn &&
			     s->syn_seq[side] == seg->seq;
		s->syn_flags[side] = syn;
		s->syn_seq[side] = seg->seq;
		s->sent_any[side] = true;
		if (!again)
			s->snd_end[side] = seg->seq + len;
		return again;
	}
	if (!s->sent_any[side]) {
		s->sent_any[side] = true;
		s->snd_end[side] = seg->seq + len;
		return false;
	}
	bool again = len && seq_before(seg->seq, s->snd_end[side]);
	if (seq_before(s->snd_end[side], seg->seq + len))
		s->snd_end[side] = seg->seq + len;
	return again;
}

/* Puts a segment whose payload already sits in `slot` on the link. */
static int transmit(sim *s, int side, const tcps_segment *seg, uint32_t slot, bool by_host)
{
	tcps_state sender = state_of(s, side);
	sim_seg_event ev = { .kind = SIM_SEG_SENT, .t = s->now, .sent_at = s->now,
			     .id = s->next_id++, .from = side, .by_host = by_host };
	ev.rexmit = !by_host && is_rexmit(s, side, seg);
	/* The observer sees the payload before the link may drop its slot. */
	tcps_segment copy = *seg;
	copy.data = copy.len ? sim_link_slot_data(&s->link, slot) : NULL;
	ev.seg = &copy;
	observe(s, &ev, sender);
	sim_flight f = { .id = ev.id, .slot = slot, .from = (uint8_t)side, .rexmit = ev.rexmit,
			 .note = (uint8_t)sender, .tag = ev.tag, .seg = *seg };
	sim_fate fate;
	if (sim_link_send(&s->link, &f, s->now, &fate) < 0)
		return SIM_ERR_NOMEM;
	if (fate.lost) {
		copy.data = NULL; /* the slot is back in the pool */
		ev.kind = SIM_SEG_LOST;
		observe(s, &ev, sender);
	}
	return 0;
}

/* Everything an engine wants to send now goes onto the link, its payload
 * written by tcps_output() straight into a link slot. */
static int drain(sim *s, int side)
{
	tcps_conn *c = s->conn[side];
	if (!c)
		return 0;
	for (int n = 0; n < SIM_MAX_BURST; n++) {
		uint32_t slot;
		uint8_t *buf = sim_link_slot_get(&s->link, &slot);
		if (!buf)
			return SIM_ERR_NOMEM;
		tcps_segment seg;
		if (tcps_output(c, &seg, buf, s->link.slot_size, s->now) <= 0) {
			sim_link_slot_put(&s->link, slot);
			return 0;
		}
		int rc = transmit(s, side, &seg, slot, false);
		if (rc < 0)
			return rc;
	}
	return SIM_ERR_RUNAWAY;
}

static int drain_both(sim *s)
{
	int rc = drain(s, SIM_CLIENT);
	return rc < 0 ? rc : drain(s, SIM_SERVER);
}

/* A segment for an endpoint with no connection (never opened, or closed)
 * is answered by its host as RFC 9293 §3.10.7.1 says: a RST unless the
 * segment is itself a RST. */
static int host_reply(sim *s, int side, const tcps_segment *in)
{
	tcps_segment rst;
	if (!tcps_reset_for(in, &rst))
		return 0;
	uint32_t slot;
	if (!sim_link_slot_get(&s->link, &slot))
		return SIM_ERR_NOMEM;
	rst.data = NULL;
	rst.len = 0;
	return transmit(s, side, &rst, slot, true);
}

static int deliver(sim *s)
{
	sim_flight f;
	sim_link_pop(&s->link, &f);
	int to = !f.from;
	tcps_conn *c = s->conn[to];
	sim_seg_event ev = { .kind = SIM_SEG_DELIVERED, .t = s->now, .sent_at = f.sent_at,
			     .id = f.id, .from = f.from, .seg = &f.seg, .rexmit = f.rexmit,
			     .dup = f.dup, .tag = f.tag };
	bool no_conn = !c || tcps_get_state(c) == TCPS_CLOSED;
	if (!no_conn) {
		ev.result = tcps_segment_arrives(c, &f.seg, s->now);
		if (ev.result < 0)
			s->last_error[to] = ev.result;
	}
	observe(s, &ev, (tcps_state)f.note);
	sim_link_slot_put(&s->link, f.slot);
	return no_conn ? host_reply(s, to, &f.seg) : 0;
}

static void fire_timer(sim *s, int side)
{
	int rc = tcps_handle_expiry(s->conn[side], s->now);
	if (rc < 0)
		s->last_error[side] = rc;
}

static uint64_t expiry_of(const sim *s, int side)
{
	return s->conn[side] ? tcps_get_expiry(s->conn[side]) : TCPS_NEVER;
}

static void run_hook(sim *s)
{
	if (s->hook)
		s->hook(s, s->hook_user);
}

/* One step: the earliest thing due happens.  Deliveries go before timers
 * at the same instant (a segment that arrives as the RTO fires saves the
 * retransmission), and the hook's wake-up goes last.  Returns 1 when
 * something happened, 0 when nothing is left to do. */
static int step(sim *s)
{
	uint64_t link_at = sim_link_next(&s->link);
	uint64_t exp[2] = { expiry_of(s, SIM_CLIENT), expiry_of(s, SIM_SERVER) };
	uint64_t next = link_at;
	for (int i = 0; i < 2; i++)
		if (exp[i] < next)
			next = exp[i];
	if (s->wake_at < next)
		next = s->wake_at;
	if (next == TCPS_NEVER)
		return 0;
	if (next > s->max_time)
		return SIM_ERR_TIME;
	if (++s->steps > s->max_steps)
		return SIM_ERR_EVENTS;
	if (next > s->now)
		s->now = next;
	int rc = 0;
	if (link_at == next)
		rc = deliver(s);
	else if (exp[SIM_CLIENT] == next)
		fire_timer(s, SIM_CLIENT);
	else if (exp[SIM_SERVER] == next)
		fire_timer(s, SIM_SERVER);
	else
		s->wake_at = TCPS_NEVER;
	return rc < 0 ? rc : 1;
}

int sim_run(sim *s)
{
	s->stopped = false;
	run_hook(s);
	int rc = drain_both(s);
	while (rc >= 0 && !s->stopped) {
		rc = step(s);
		if (rc <= 0)
			break;
		rc = drain_both(s);
		if (rc < 0)
			break;
		run_hook(s);
		rc = drain_both(s);
	}
	return rc < 0 ? rc : 0;
}

const char *sim_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case SIM_ERR_NOMEM:
		return "out of memory";
	case SIM_ERR_EVENTS:
		return "the run never settled (step limit reached)";
	case SIM_ERR_TIME:
		return "the run never settled (virtual time limit reached)";
	case SIM_ERR_RUNAWAY:
		return "an engine kept sending without end";
	default:
		return "unknown simulator error";
	}
}
