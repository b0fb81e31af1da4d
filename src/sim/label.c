/* Segment labels for the ladder and the JSON records.  See label.h. */
#include "sim/label.h"

#include <string.h>

void sim_labeler_init(sim_labeler *lb)
{
	memset(lb, 0, sizeof *lb);
	lb->fin_side[0] = lb->fin_side[1] = -1;
}

static void note_fin(sim_labeler *lb, int from, const tcps_segment *seg)
{
	for (int i = 0; i < lb->nfins; i++)
		if (lb->fin_side[i] == from)
			return; /* this side's FIN, sent again */
	if (lb->nfins == 2)
		return;
	lb->fin_side[lb->nfins] = from;
	lb->fin_end[lb->nfins] = seg->seq + tcps_seg_len(seg);
	lb->nfins++;
}

const char *sim_label_name(unsigned kind)
{
	static const char *const names[SIM_NLABELS] = {
		[SIM_LABEL_NONE] = "",
		[SIM_LABEL_HANDSHAKE_1] = "handshake 1/3",
		[SIM_LABEL_HANDSHAKE_2] = "handshake 2/3",
		[SIM_LABEL_HANDSHAKE_3] = "handshake 3/3",
		[SIM_LABEL_DATA] = "data",
		[SIM_LABEL_ACK] = "ack",
		[SIM_LABEL_CLOSE_1] = "close 1/4",
		[SIM_LABEL_CLOSE_2] = "close 2/4",
		[SIM_LABEL_CLOSE_3] = "close 3/4",
		[SIM_LABEL_CLOSE_4] = "close 4/4",
		[SIM_LABEL_RETRANSMISSION] = "retransmission",
		[SIM_LABEL_RESET] = "reset",
	};
	return kind < SIM_NLABELS ? names[kind] : "";
}

/* close 2/4 or 4/4 when this ACK is the first to cover the other side's
 * first or second FIN, else SIM_LABEL_NONE. */
static sim_label_kind close_ack(sim_labeler *lb, int from, const tcps_segment *seg)
{
	static const sim_label_kind names[2] = { SIM_LABEL_CLOSE_2, SIM_LABEL_CLOSE_4 };
	for (int i = 0; i < lb->nfins; i++) {
		if (lb->fin_side[i] == from || lb->fin_acked[i])
			continue;
		if ((int32_t)(seg->ack - lb->fin_end[i]) >= 0) {
			lb->fin_acked[i] = true;
			return names[i];
		}
	}
	return SIM_LABEL_NONE;
}

sim_label_kind sim_label(sim_labeler *lb, int from, const tcps_segment *seg, bool rexmit)
{
	int peer = !from;
	if (seg->flags & TCPS_RST)
		return SIM_LABEL_RESET;
	if (seg->flags & TCPS_SYN) {
		lb->syn_seen[from] = true;
		lb->isn[from] = seg->seq;
		/* A SYN,ACK is the ACK of the peer's SYN: no later ACK is 3/3 for it. */
		if ((seg->flags & TCPS_ACK) && lb->syn_seen[peer] && seg->ack == lb->isn[peer] + 1)
			lb->syn_acked[peer] = true;
		if (rexmit)
			return SIM_LABEL_RETRANSMISSION;
		return seg->flags & TCPS_ACK ? SIM_LABEL_HANDSHAKE_2 : SIM_LABEL_HANDSHAKE_1;
	}
	if (rexmit)
		return SIM_LABEL_RETRANSMISSION;
	if (seg->flags & TCPS_FIN) {
		note_fin(lb, from, seg);
		return lb->fin_side[0] == from ? SIM_LABEL_CLOSE_1 : SIM_LABEL_CLOSE_3;
	}
	if (seg->len)
		return SIM_LABEL_DATA;
	if (!(seg->flags & TCPS_ACK))
		return SIM_LABEL_ACK;
	if (lb->syn_seen[peer] && !lb->syn_acked[peer] && seg->ack == lb->isn[peer] + 1) {
		lb->syn_acked[peer] = true;
		return SIM_LABEL_HANDSHAKE_3;
	}
	sim_label_kind c = close_ack(lb, from, seg);
	return c != SIM_LABEL_NONE ? c : SIM_LABEL_ACK;
}
