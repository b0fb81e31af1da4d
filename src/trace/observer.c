/* The observer: packets in capture order -> connections, shadow
 * endpoints, labels, and the per-segment and per-connection callbacks.
 * See observer.h. */
#include "trace/observer.h"

#include <stdlib.h>
#include <string.h>

#include "trace/diagnose.h"
#include "trace/flow.h"
#include "trace/label.h"
#include "trace/shadow.h"
#include "trace/zeek.h"

struct trace_obs {
	trace_obs_config cfg;
	flow_table *flows;
	diag_tw *tw;            /* TIME_WAIT counts for time_wait_accumulation */
	uint64_t next_id;
	uint32_t shards;        /* cfg.shards, at least 1 */
	uint64_t now;           /* latest capture time seen */
	uint64_t origin;        /* the capture's first packet's */
	bool started;
	uint64_t next_sweep;    /* when TIME_WAITs are next checked */
	uint64_t packets, peak_active, late;
	/* Connections that ended lately, by 4-tuple digest (flow_packet_key),
	 * so that their stray segments (a FIN again after a lost last ACK,
	 * data still in flight behind a RST) are not taken for new
	 * connections caught mid-stream.  Direct-mapped, fixed size. */
	uint64_t *ended;
	uint32_t *ended_at;     /* capture time, seconds */
	/* Connections whose end rests on an ACK of a FIN, oldest first, in
	 * a ring of HELD_SLOTS (made at the first). */
	struct held { trace_conn *c; uint32_t id, hash; } *held;
	uint32_t held_head, held_n;
	uint64_t held_due;      /* the oldest is not due before (a packet's check) */
};

#define ENDED_SLOTS (1u << 16)

/* How long a RST's receiver must stay silent for the RST to count as
 * received: a side that missed it speaks again well within that (its
 * retransmission timeout, 1 s at first; its own close).  Checked by the
 * sweep, once an MSL, so a connection reset or refused waits 10 to 40 s:
 * no memory of its own, where a queue of them crossed the bench's 200
 * bytes a connection. */
#define RST_HOLD (10ull * 1000000000ull)

/* How long a connection whose close ends on an ACK of a FIN waits for
 * that FIN to come again: its sender does so at its retransmission
 * timeout (Linux's is 200 ms and a round trip, RFC 6298's at least 1 s)
 * when the ACK was lost on the way, and is then still in LAST_ACK (or
 * CLOSING).  Until then its record holds; past it, or when more than
 * HELD_SLOTS wait at once, a later copy is only counted as a late
 * segment. */
#define LAST_ACK_HOLD (3ull * 1000000000ull)
#define HELD_SLOTS (1u << 14)

void trace_obs_config_default(trace_obs_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->msl = 30ull * 1000000000ull; /* 2*MSL = 60 s, Linux's TIME_WAIT */
	cfg->initial_conns = 4096;
	cfg->syn_wait = 3ull * 1000000000ull;
	cfg->close_wait_after = 5ull * 1000000000ull;
	cfg->time_wait_threshold = 100;
}

trace_obs *trace_obs_new(const trace_obs_config *cfg)
{
	shadow_init();
	trace_obs *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	if (cfg)
		o->cfg = *cfg;
	else
		trace_obs_config_default(&o->cfg);
	o->shards = o->cfg.shards > 1 ? o->cfg.shards : 1;
	if (o->cfg.shard >= o->shards) {
		free(o);
		return NULL;
	}
	o->flows = flow_new(o->cfg.initial_conns, o->cfg.skip_zeek ? 0 : sizeof(zeek_hist));
	o->tw = diag_tw_new();
	if (!o->flows || !o->tw) {
		trace_obs_free(o);
		return NULL;
	}
	return o;
}

void trace_obs_free(trace_obs *o)
{
	if (!o)
		return;
	flow_free(o->flows);
	diag_tw_free(o->tw);
	free(o->ended);
	free(o->ended_at);
	free(o->held);
	free(o);
}

/* The number records give the connection: in first-packet order, and
 * unique across shards. */
static uint64_t conn_number(const trace_obs *o, const trace_conn *c)
{
	return (uint64_t)c->id * o->shards + o->cfg.shard + 1;
}

/* The record of a connection that ended (or that the capture ended). */
static void emit_record(trace_obs *o, trace_conn *c)
{
	if (!o->cfg.on_conn && !o->cfg.on_diag)
		return;
	trace_conn_record r;
	memset(&r, 0, sizeof r);
	r.conn = conn_number(o, c);
	flow_endpoints(o->flows, c, r.ep);
	r.midstream = c->midstream;
	r.first_ts = c->first_ts;
	r.last_ts = c->last_ts;
	for (int i = 0; i < 2; i++) {
		r.nstates[i] = (uint8_t)shadow_states(&c->side[i], r.states[i]);
		r.packets[i] = c->side[i].packets;
		r.bytes[i] = c->side[i].bytes;
		r.retransmits[i] = c->side[i].retrans;
	}
	static const int closed_by[] = { -1, TRACE_CLIENT, TRACE_SERVER, 2 };
	r.closed_by = closed_by[c->closed_first];
	r.reset = c->reset;
	r.reset_by = c->reset_by;
	if (r.closed_by < 0 && c->reset)
		r.closed_by = c->reset_by;
	if (!o->cfg.skip_zeek) {
		const zeek_hist *z = flow_extra(o->flows, c);
		memcpy(r.zeek_history, z->letters, sizeof z->letters);
		r.zeek_history[sizeof z->letters] = '\0';
		r.zeek_state = zeek_conn_state(z);
		r.zeek_orig_is_server = zeek_orig_is_server(z);
	}
	diag_conn(&o->cfg, o->tw, c, &r, o->now);
	if (o->cfg.on_conn)
		o->cfg.on_conn(o->cfg.user, &r);
}

static void remember_end(trace_obs *o, trace_conn *c)
{
	if (!o->ended) {
		o->ended = calloc(ENDED_SLOTS, sizeof *o->ended);
		o->ended_at = calloc(ENDED_SLOTS, sizeof *o->ended_at);
		if (!o->ended || !o->ended_at)
			return; /* stray segments will show as mid-stream connections */
	}
	uint64_t key = flow_conn_key(o->flows, c);
	o->ended[key & (ENDED_SLOTS - 1)] = key;
	o->ended_at[key & (ENDED_SLOTS - 1)] = (uint32_t)(c->last_ts / 1000000000ull);
}

/* A segment of a connection that ended less than 2*MSL ago. */
static bool ended_lately(const trace_obs *o, const trace_pkt *p)
{
	if (!o->ended)
		return false;
	uint64_t key = flow_packet_key(p);
	uint32_t slot = key & (ENDED_SLOTS - 1);
	return o->ended[slot] == key &&
	       p->ts / 1000000000ull - o->ended_at[slot] <= 2 * o->cfg.msl / 1000000000ull;
}

static void end_conn(trace_obs *o, trace_conn *c)
{
	emit_record(o, c);
	remember_end(o, c);
	flow_del(o->flows, c);
}

/* Whether the close ended on a side's inferred receipt of the ACK of
 * its FIN (LAST_ACK or CLOSING to their end): the one receipt a capture
 * cannot confirm, as nothing answers that ACK. */
static bool ends_on_ack_of_fin(const trace_conn *c)
{
	return c->side[0].tent == TENT_RCV_ACK || c->side[1].tent == TENT_RCV_ACK;
}

/* Whether the slot's connection still waits: not ended meanwhile (a new
 * SYN on its 4-tuple) and its entry not handed to another since. */
static bool held_waits(const struct held *h)
{
	return h->c->family && h->c->id == h->id && h->c->held;
}

/* The oldest waiting connection: its record comes out, unless a FIN sent
 * again reopened it meanwhile (it then ends as any other). */
static void release_oldest(trace_obs *o)
{
	struct held h = o->held[o->held_head];
	o->held_head = (o->held_head + 1) & (HELD_SLOTS - 1);
	o->held_n--;
	/* The next one is due a few packets on, and was last touched long
	 * ago (its entry, its bucket): so that its end is not a wait. */
	if (o->held_n)
		flow_prefetch_del(o->flows, o->held[o->held_head].c, o->held[o->held_head].hash);
	if (!held_waits(&h))
		return;
	h.c->held = 0;
	if (shadow_over(h.c))
		end_conn(o, h.c);
}

/* hash: the connection's flow_hash(), which its packets have. */
static void hold_end(trace_obs *o, trace_conn *c, uint32_t hash)
{
	if (!o->held && !(o->held = malloc(HELD_SLOTS * sizeof *o->held))) {
		end_conn(o, c); /* a later FIN will be a late segment */
		return;
	}
	if (o->held_n == HELD_SLOTS)
		release_oldest(o);
	if (!o->held_n)
		o->held_due = c->last_ts + LAST_ACK_HOLD;
	o->held[(o->held_head + o->held_n) & (HELD_SLOTS - 1)] = (struct held){ c, c->id, hash };
	o->held_n++;
	c->held = 1;
}

/* The waiting connections silent for LAST_ACK_HOLD, oldest first.  One
 * whose last packet is newer waits in its place: those behind it are
 * only late by as much. */
static void release_due(trace_obs *o)
{
	while (o->held_n) {
		const struct held *h = &o->held[o->held_head];
		if (held_waits(h) && o->now < h->c->last_ts + LAST_ACK_HOLD) {
			o->held_due = h->c->last_ts + LAST_ACK_HOLD;
			return;
		}
		release_oldest(o);
	}
}

static void expire_one(void *user, trace_conn *c)
{
	trace_obs *o = user;
	if (c->held)
		return; /* its record comes out of the ring, as it stands */
	if (shadow_end(c) == SHADOW_OVER_BUT_RST && o->now >= c->last_ts + RST_HOLD) {
		shadow_settle_rst(c);
		end_conn(o, c);
	} else if (shadow_expire(c, o->now, 2 * o->cfg.msl) && shadow_over(c)) {
		end_conn(o, c);
	}
}

/* TIME_WAIT lasts 2*MSL of capture time, for a connection whose peer never
 * completed its close (the others end when it completes), and a RST's
 * receipt waits RST_HOLD; checking every MSL costs one pass over the table
 * per MSL of capture. */
static void sweep(trace_obs *o)
{
	if (o->now < o->next_sweep)
		return;
	flow_each(o->flows, expire_one, o);
	o->next_sweep = o->now + o->cfg.msl;
}

/* A connection's first packet.  A SYN,ACK first means its SYN was missed:
 * the receiver is the client. */
static trace_conn *start_conn(trace_obs *o, const trace_pkt *p, int *from)
{
	trace_conn *c;
	if ((p->seg.flags & (TCPS_SYN | TCPS_ACK)) == (TCPS_SYN | TCPS_ACK)) {
		trace_pkt rev = *p;
		memcpy(rev.src, p->dst, 16);
		memcpy(rev.dst, p->src, 16);
		rev.seg.sport = p->seg.dport;
		rev.seg.dport = p->seg.sport;
		c = flow_add(o->flows, &rev);
		*from = TRACE_SERVER;
	} else {
		c = flow_add(o->flows, p);
		*from = TRACE_CLIENT;
	}
	if (!c)
		return NULL;
	c->id = (uint32_t)o->next_id++;
	c->first_ts = c->last_ts = p->ts;
	if (*from == TRACE_SERVER) {
		/* The client's SYN is implied by the SYN,ACK it answers. */
		trace_side *cl = &c->side[TRACE_CLIENT];
		c->midstream = 1;
		cl->active = 1;
		cl->isn = p->seg.ack - 1;
		cl->nxt = p->seg.ack;
		cl->flags = SIDE_SYN_SENT;
		cl->state = TCPS_SYN_SENT;
		cl->hist = TCPS_SYN_SENT;
		cl->nstates = 1;
		c->side[TRACE_SERVER].state = TCPS_LISTEN;
		c->side[TRACE_SERVER].hist = TCPS_LISTEN;
		c->side[TRACE_SERVER].nstates = 1;
	} else {
		shadow_start(c, p);
	}
	size_t active = flow_count(o->flows);
	if (active > o->peak_active)
		o->peak_active = active;
	return c;
}

static void emit_segment(trace_obs *o, trace_conn *c, int from, const trace_pkt *p, trace_label label,
			 const shadow_out *so, bool first)
{
	if (!o->cfg.on_segment)
		return;
	trace_endpoint ep[2];
	flow_endpoints(o->flows, c, ep);
	const trace_side *s = &c->side[from], *r = &c->side[!from];
	trace_seg_event ev = {
		.conn = conn_number(o, c),
		.ts = p->ts,
		.rel_ts = p->ts - c->first_ts,
		.capture_ts = p->ts > o->origin ? p->ts - o->origin : 0,
		.from = from,
		.pkt = p,
		.rel_seq = p->seg.seq - s->isn,
		.rel_ack = (p->seg.flags & TCPS_ACK) ? p->seg.ack - r->isn : 0,
		.win = (p->seg.flags & TCPS_SYN) ? p->seg.wnd : (uint32_t)p->seg.wnd << s->wscale,
		.label = label,
		.state = { (tcps_state)c->side[0].state, (tcps_state)c->side[1].state },
		.revised = { so->revised[0], so->revised[1] },
		.first_of_conn = first,
		.ep = ep,
	};
	o->cfg.on_segment(o->cfg.user, &ev);
}

/* The shard a packet's connection belongs to: the hash's top bits, as the
 * flow table's buckets take its bottom ones. */
static uint32_t shard_of(const trace_obs *o, uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * o->shards) >> 32);
}

/* likely: the entry flow_prefetch_entry() named for p, 0 none. */
static int obs_packet(trace_obs *o, const trace_pkt *p, uint32_t hash, uint32_t likely)
{
	if (!o->started) {
		o->started = true;
		o->origin = p->ts;
	}
	if (p->ts > o->now)
		o->now = p->ts;
	/* Capture time is every shard's: records held out come out at the
	 * same packet in all of them. */
	if (o->held_n && o->now >= o->held_due)
		release_due(o);
	if (o->shards > 1 && shard_of(o, hash) != o->cfg.shard)
		return 0; /* another shard's: its time still counts */
	o->packets++;
	sweep(o);

	int from = TRACE_CLIENT;
	trace_conn *c = flow_find_likely(o->flows, p, hash, likely, &from);
	if (!c && (p->seg.flags & (TCPS_SYN | TCPS_ACK)) != TCPS_SYN && ended_lately(o, p)) {
		o->late++;
		return 0;
	}
	if (c && (p->seg.flags & (TCPS_SYN | TCPS_ACK | TCPS_RST)) == TCPS_SYN &&
	    shadow_is_new_connection(c, from, p)) {
		end_conn(o, c); /* 4-tuple reuse: the old incarnation is over */
		c = NULL;
	}
	bool first = !c;
	if (!c && !(c = start_conn(o, p, &from)))
		return -1;

	trace_label label = label_for(c, from, p);
	if (!c->irtt_known && !c->midstream) {
		if (label == TRACE_L_RETRANSMISSION && from == TRACE_CLIENT &&
		    (p->seg.flags & (TCPS_SYN | TCPS_ACK | TCPS_RST)) == TCPS_SYN)
			c->irtt = conn_ms(c, p->ts);
		if (label == TRACE_L_HANDSHAKE_3) {
			uint64_t us = (p->ts - c->first_ts) / 1000, syn_us = (uint64_t)c->irtt * 1000;
			c->irtt = irtt_code(us > syn_us ? us - syn_us : 0);
			c->irtt_known = 1;
		}
	}
	if (label == TRACE_L_RETRANSMISSION && c->side[from].retrans < UINT16_MAX)
		c->side[from].retrans++;
	shadow_out so;
	memset(&so, 0, sizeof so);
	shadow_segment(c, from, p, &so);
	if (!o->cfg.skip_zeek)
		zeek_observe(flow_extra(o->flows, c), from == TRACE_CLIENT, &p->seg, label == TRACE_L_RETRANSMISSION,
			     p->seg.wnd == 0 && !(p->seg.flags & (TCPS_SYN | TCPS_RST)));
	if (p->ts > c->last_ts)
		c->last_ts = p->ts;
	if (o->cfg.on_segment)
		emit_segment(o, c, from, p, label, &so, first);
	if (shadow_over(c) && !c->held) {
		if (ends_on_ack_of_fin(c))
			hold_end(o, c, hash);
		else
			end_conn(o, c);
	}
	return 0;
}

void trace_obs_prefetch(const trace_obs *o, const trace_pkt *p, trace_obs_hint *h)
{
	h->hash = flow_prefetch_bucket(o->flows, p);
	h->ref = 0;
}

void trace_obs_prefetch_conn(const trace_obs *o, trace_obs_hint *h)
{
	h->ref = flow_prefetch_entry(o->flows, h->hash);
}

int trace_obs_packet(trace_obs *o, const trace_pkt *p)
{
	return obs_packet(o, p, flow_hash(p), 0);
}

int trace_obs_packet_hinted(trace_obs *o, const trace_pkt *p, const trace_obs_hint *h)
{
	return obs_packet(o, p, h->hash, h->ref);
}

void trace_obs_idle(trace_obs *o, uint64_t now)
{
	if (!o->started || now <= o->now)
		return;
	o->now = now;
	if (o->held_n && o->now >= o->held_due)
		release_due(o);
	sweep(o);
}

static void finish_one(void *user, trace_conn *c)
{
	trace_obs *o = user;
	if (!c->held) /* a held record is as it would have come out */
		shadow_expire(c, o->now, 2 * o->cfg.msl);
	emit_record(o, c);
}

/* The records of the connections still open, in the table's order (the
 * same for the same capture); then the table is emptied in one go. */
void trace_obs_finish(trace_obs *o)
{
	flow_drain(o->flows, finish_one, o);
	diag_finish(&o->cfg, o->tw);
}

void trace_obs_get_stats(const trace_obs *o, trace_obs_stats *st)
{
	memset(st, 0, sizeof *st);
	st->packets = o->packets;
	st->connections = o->next_id;
	st->active = flow_count(o->flows);
	st->peak_active = o->peak_active;
	st->bytes_per_conn = flow_bytes_per_conn(o->flows);
	st->late = o->late;
}
