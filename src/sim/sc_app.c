/* The scenarios' applications: open, write a known byte stream, read and
 * check the peer's, close.  See scenario_int.h. */
#include <string.h>

#include "sim/scenario_int.h"

#define SC_CHUNK 4096

/* Byte i of the stream `side` writes.  The side is mixed in so that data
 * delivered to the wrong end, or echoed back, does not pass the check;
 * i >> 8 so that a shift by a multiple of 256 does not either. */
static uint8_t stream_byte(int side, uint64_t i)
{
	return (uint8_t)((i * 131u) ^ (i >> 8) ^ (side ? 0xa5u : 0x3cu));
}

static void note_error(sc_app *a, long rc)
{
	if (rc < 0 && rc != TCPS_ERR_AGAIN && !a->error)
		a->error = (int)rc;
}

void sc_options_off(sc_ctx *x)
{
	for (int i = 0; i < 2; i++) {
		x->cfg[i].timestamps = false;
		x->cfg[i].sack = false;
		x->cfg[i].wscale = -1;
	}
}

void sc_open_passive(sc_ctx *x, int side)
{
	/* Any peer: the first SYN fills in the remote end. */
	tcps_tuple t = x->tuple[side];
	memset(t.remote_addr, 0, sizeof t.remote_addr);
	t.remote_port = 0;
	note_error(&x->app[side], tcps_open_passive(x->conn[side], &t, x->sim.now));
}

void sc_open_active(sc_ctx *x, int side)
{
	note_error(&x->app[side], tcps_open_active(x->conn[side], &x->tuple[side], x->sim.now));
}

bool sc_open_once(sc_ctx *x)
{
	if (x->phase)
		return false;
	sc_open_passive(x, SIM_SERVER);
	sc_open_active(x, SIM_CLIENT);
	x->phase = 1;
	return true;
}

void sc_write(sc_ctx *x, int side)
{
	sc_app *a = &x->app[side];
	uint8_t buf[SC_CHUNK];
	while (a->sent < a->to_send && !a->closed) {
		uint64_t left = a->to_send - a->sent;
		size_t n = left < SC_CHUNK ? (size_t)left : SC_CHUNK;
		for (size_t i = 0; i < n; i++)
			buf[i] = stream_byte(side, a->sent + i);
		long rc = tcps_send(x->conn[side], buf, n, x->sim.now);
		if (rc <= 0) {
			note_error(a, rc);
			return;
		}
		a->sent += (uint64_t)rc;
		a->total_sent += (uint64_t)rc;
	}
}

void sc_read(sc_ctx *x, int side)
{
	sc_app *a = &x->app[side];
	uint8_t buf[SC_CHUNK];
	while (!a->eof) {
		long rc = tcps_recv(x->conn[side], buf, sizeof buf, x->sim.now);
		if (rc == 0) {
			a->eof = true;
			return;
		}
		if (rc < 0) {
			note_error(a, rc);
			return;
		}
		for (long i = 0; i < rc; i++)
			if (buf[i] != stream_byte(!side, a->received + (uint64_t)i))
				a->corrupt = true;
		a->received += (uint64_t)rc;
		a->total_received += (uint64_t)rc;
	}
}

void sc_close(sc_ctx *x, int side)
{
	sc_app *a = &x->app[side];
	if (a->closed)
		return;
	a->closed = true;
	note_error(a, tcps_close(x->conn[side], x->sim.now));
}

void sc_abort(sc_ctx *x, int side)
{
	sc_app *a = &x->app[side];
	if (a->closed)
		return;
	a->closed = true;
	note_error(a, tcps_abort(x->conn[side], x->sim.now));
}

void sc_app_restart(sc_ctx *x)
{
	for (int i = 0; i < 2; i++) {
		sc_app *a = &x->app[i];
		a->to_send = a->sent = a->received = 0;
		a->eof = a->closed = a->connected = false;
	}
}

tcps_state sc_state(const sc_ctx *x, int side)
{
	return tcps_get_state(x->conn[side]);
}

bool sc_established(const sc_ctx *x, int side)
{
	tcps_state s = sc_state(x, side);
	return s == TCPS_ESTABLISHED || s == TCPS_CLOSE_WAIT;
}
