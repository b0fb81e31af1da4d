/* The seed's "Check Yourself" questions answered, and its common
 * confusion (CLOSE_WAIT versus TIME_WAIT) taken apart.  The answers cite
 * rows of the state table by (state, event) and print them from the
 * table, so an answer cannot quote a transition that does not exist. */
#include "explain/explain_int.h"

#define R(s, e) { TCPS_##s, TCPS_EV_##e }

static const explain_question questions[] = {
	{ "Why must the SYN and the SYN-ACK each consume one sequence number even though "
	  "they carry no payload?",
	  "Because each of them has to be acknowledged, and TCP can only acknowledge sequence "
	  "numbers. An ACK says \"I have everything before this number\". If a SYN took up no "
	  "number, the ACK of a SYN would look like an ACK of nothing at all: the opener could "
	  "not tell whether its SYN, and the initial sequence number it carries, had arrived, "
	  "nor when to stop sending it again. With the SYN at the ISN, an ACK of ISN+1 proves "
	  "that this SYN was received, not an old duplicate carrying another ISN. In the "
	  "seed's example SYN seq=1000 is acknowledged by ACK=1001 and SYN seq=4000 by "
	  "ACK=4001, and the first data byte is ISN+1. FIN takes one number for the same "
	  "reason. The table's \"ACK of SYN\" and \"ACK of FIN\" events exist because of it.",
	  { R(SYN_SENT, RCV_SYN_ACK), R(SYN_RCVD, RCV_ACK_OF_SYN), R(FIN_WAIT_1, RCV_ACK_OF_FIN) },
	  3 },
	{ "Why does the initiator of a close enter TIME_WAIT and not the responder?",
	  "Because the initiator sends the last segment, the ACK of the responder's FIN, and "
	  "nothing ever acknowledges an ACK. If it is lost, the responder, in LAST_ACK, sends "
	  "its FIN again; someone must still be there to acknowledge it, or the FIN would meet "
	  "a closed port and a RST, and the responder would report an error for a connection "
	  "that ended well. The responder's own last segment, its FIN, does get acknowledged: "
	  "once that ACK arrives it knows both directions are done and can forget the "
	  "connection at once. The wait of 2*MSL also keeps the 4-tuple out of use until stray "
	  "segments of this connection have died out; one side holding it is enough, and it "
	  "is the side that cannot otherwise learn that the close completed. In a simultaneous "
	  "close both sides sent a FIN first, both are initiators, and both pass through "
	  "CLOSING to TIME_WAIT.",
	  { R(FIN_WAIT_2, RCV_FIN), R(LAST_ACK, RCV_ACK_OF_FIN), R(TIME_WAIT, TIMEOUT_2MSL),
	    R(CLOSING, RCV_ACK_OF_FIN) },
	  4 },
	{ "What does a RST in the middle of an ESTABLISHED connection usually mean?",
	  "That one end, or something between them, abandoned the connection instead of "
	  "closing it: the RST takes the receiver from ESTABLISHED straight to CLOSED, with no "
	  "FINs and nothing more acknowledged. Most often the peer's application closed its "
	  "socket (or was killed) while data it had not read was still waiting, and its kernel "
	  "reset instead of sending FIN; or it aborted on purpose (SO_LINGER with a zero "
	  "timeout); or the peer's host restarted and answers a segment of a connection it no "
	  "longer knows; or a firewall, NAT or load balancer forgot an idle flow and reset it. "
	  "It is not a protocol error: the application sees ECONNRESET, or EPIPE on its next "
	  "write. tcpstate diagnoses it as reset_established; 'tcpstate trace -i IFACE port N' "
	  "shows which side sent the [R.] and what it had just received.",
	  { R(ESTABLISHED, RCV_RST), R(ESTABLISHED, ABORT) },
	  2 },
};

#define NQUESTIONS (sizeof questions / sizeof questions[0])

size_t explain_question_count(void)
{
	return NQUESTIONS;
}

const explain_question *explain_question_at(size_t i)
{
	return i < NQUESTIONS ? &questions[i] : NULL;
}

static const char *const confusion =
	"They are opposites, not two flavours of the same wait. CLOSE_WAIT is the side that "
	"was told the connection is closing and has not done its part: the next move belongs "
	"to its own application, and until it makes it the socket stays, with no timer to end "
	"it. This is an application bug 99% of the time. TIME_WAIT is the side that has done "
	"everything and heard that the peer is done too; it only makes sure its last ACK got "
	"through and stray segments die out, and the clock ends it. This is normal. Stuck "
	"CLOSE_WAIT sockets call for a fix in the code; a pile of TIME_WAIT sockets calls for "
	"fewer, longer-lived connections.";

/* What the table cannot say about the two: who ends the wait. */
static const struct {
	tcps_state state;
	const char *ended_by;
} pair[] = {
	{ TCPS_CLOSE_WAIT, "its own application calling close(); no timer" },
	{ TCPS_TIME_WAIT, "the clock, 2*MSL after it was entered" },
};

/* Figure 5's rows into (entering) or out of s: the graceful paths, which
 * are what the two states differ in.  RST, ABORT and timeouts are the
 * same for both. */
static void figure_rows(FILE *out, tcps_state s, bool entering, const char *label)
{
	const char *lead = label;

	for (size_t i = 0; i < tcps_ntransitions; i++) {
		const tcps_transition *t = &tcps_transitions[i];
		char arrow[96];
		if (!t->in_figure || (entering ? t->to : t->from) != s)
			continue;
		fprintf(out, "    %-13s %s\n", lead, explain_arrow(t, arrow, sizeof arrow));
		lead = "";
	}
}

static void first_code(const explain_prose *p, char *buf, size_t cap)
{
	const char *code = p->bugs[0].symptom ? p->bugs[0].code : NULL;
	snprintf(buf, cap, "%s%s%s", explain_verdict_name(p->verdict),
		 code ? (p->verdict == EXPLAIN_NORMAL ? "; in excess: " : "; held: ") : "",
		 code ? code : "");
}

static void compare(FILE *out)
{
	fputs("CLOSE_WAIT versus TIME_WAIT\n", out);
	explain_wrap(out, "  ", 2, confusion);
	for (size_t i = 0; i < sizeof pair / sizeof pair[0]; i++) {
		const explain_prose *p = explain_prose_of(pair[i].state);
		char verdict[96];
		fprintf(out, "\n  %s (%s)\n", tcps_state_name(pair[i].state), p->side);
		figure_rows(out, pair[i].state, true, "got here by");
		figure_rows(out, pair[i].state, false, "leaves by");
		fprintf(out, "    %-13s %s\n", "ended by", pair[i].ended_by);
		first_code(p, verdict, sizeof verdict);
		fprintf(out, "    %-13s %s\n", "verdict", verdict);
	}
}

void explain_questions(FILE *out)
{
	fputs("Check yourself\n", out);
	for (size_t i = 0; i < NQUESTIONS; i++) {
		const explain_question *q = &questions[i];
		char lead[16];
		snprintf(lead, sizeof lead, "  %zu. ", i + 1);
		fputc('\n', out);
		explain_wrap(out, lead, 5, q->question);
		explain_wrap(out, "     ", 5, q->answer);
		fputs("     In the table:\n", out);
		for (size_t j = 0; j < q->nrows; j++) {
			const tcps_transition *t =
				tcps_transition_find(q->rows[j].from, q->rows[j].event, TCPS_ORIGIN_ANY);
			if (t)
				explain_row_line(out, 7, t);
		}
	}
	fputc('\n', out);
	compare(out);
}

static void json_figure_rows(FILE *out, tcps_state s, bool entering)
{
	const char *sep = "";

	fputc('[', out);
	for (size_t i = 0; i < tcps_ntransitions; i++) {
		const tcps_transition *t = &tcps_transitions[i];
		if (!t->in_figure || (entering ? t->to : t->from) != s)
			continue;
		fputs(sep, out);
		explain_json_row(out, t, true, true);
		sep = ",";
	}
	fputc(']', out);
}

void explain_questions_keys(FILE *out)
{
	fputs("\"questions\":[", out);
	for (size_t i = 0; i < NQUESTIONS; i++) {
		const explain_question *q = &questions[i];
		fputs(i ? ",{\"question\":" : "{\"question\":", out);
		explain_json_str(out, q->question);
		fputs(",\"answer\":", out);
		explain_json_str(out, q->answer);
		fputs(",\"rows\":[", out);
		const char *sep = "";
		for (size_t j = 0; j < q->nrows; j++) {
			const tcps_transition *t =
				tcps_transition_find(q->rows[j].from, q->rows[j].event, TCPS_ORIGIN_ANY);
			if (!t)
				continue;
			fputs(sep, out);
			explain_json_row(out, t, true, true);
			sep = ",";
		}
		fputs("]}", out);
	}
	fputs("],\"close_wait_vs_time_wait\":{\"summary\":", out);
	explain_json_str(out, confusion);
	fputs(",\"states\":[", out);
	for (size_t i = 0; i < sizeof pair / sizeof pair[0]; i++) {
		const explain_prose *p = explain_prose_of(pair[i].state);
		fprintf(out, "%s{\"state\":\"%s\",\"side\":", i ? "," : "", tcps_state_name(pair[i].state));
		explain_json_str(out, p->side);
		fputs(",\"incoming\":", out);
		json_figure_rows(out, pair[i].state, true);
		fputs(",\"outgoing\":", out);
		json_figure_rows(out, pair[i].state, false);
		fputs(",\"ended_by\":", out);
		explain_json_str(out, pair[i].ended_by);
		fprintf(out, ",\"normal\":\"%s\",\"code\":", explain_verdict_name(p->verdict));
		explain_json_str(out, p->bugs[0].symptom ? p->bugs[0].code : NULL);
		fputc('}', out);
	}
	fputs("]}", out);
}

void explain_questions_json(FILE *out)
{
	fputc('{', out);
	explain_questions_keys(out);
	fputs("}\n", out);
}
