/* A synthetic capture for observer tests: segments between a client
 * (10.0.0.1, or fd00::1) and a server (10.0.0.2:9000, or fd00::2) fed
 * straight to a trace_obs, with every callback recorded. */
#ifndef TCPS_TEST_TRACE_CAPTURE_H
#define TCPS_TEST_TRACE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/observer.h"

#define TC_C 0 /* from the client */
#define TC_S 1 /* from the server */
#define TC_MAX 64

/* The observer tests' shorthand, so that a segment reads as a tcpdump
 * line: tc_pkt(&cap, C, SY | A, ...). */
#define C TC_C
#define S TC_S
#define A TCPS_ACK
#define SY TCPS_SYN
#define FI TCPS_FIN
#define RS TCPS_RST
#define PS TCPS_PSH

typedef struct tc_capture {
	trace_obs *obs;
	trace_obs_config cfg;
	uint64_t ts;
	uint8_t family;
	uint16_t cport;
	trace_label labels[TC_MAX];
	tcps_state states[TC_MAX][2];
	bool revised[TC_MAX][2];
	unsigned nev;
	trace_conn_record rec[8];
	unsigned nrec;
	trace_diag diag[16];
	unsigned ndiag;
} tc_capture;

/* family 4 or 6; cfg NULL for the defaults (callbacks are set here). */
void tc_open(tc_capture *cap, uint8_t family, const trace_obs_config *cfg);
/* One segment from TC_C or TC_S, dt_ms after the previous one. */
void tc_pkt(tc_capture *cap, int from, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
	    uint16_t wnd, uint64_t dt_ms);
/* The same, with one SACK block [sack_left, sack_right). */
void tc_pkt_sack(tc_capture *cap, int from, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
		 uint16_t wnd, uint64_t dt_ms, uint32_t sack_left, uint32_t sack_right);
/* The capture ends: records and aggregate diagnoses come out. */
void tc_close(tc_capture *cap);
/* Diagnoses with this code. */
unsigned tc_count(const tc_capture *cap, trace_diag_code code);

/* Exchanges the observer tests play: the three-way handshake (client ISN
 * 1000, server 4000, 1 ms apart), and the seed's Concrete Example whole
 * (handshake, 499 bytes each way, the client's close, the server's),
 * dt_ms between segments. */
void tc_establish(tc_capture *cap);
void tc_seed_exchange(tc_capture *cap, uint64_t dt_ms);

/* Fails unless the record's states for side are want[0..n), naming both
 * lists; TC_EXPECT(rec, side, TCPS_CLOSED, ...) lists them in place. */
void tc_expect_states(const trace_conn_record *r, int side, const tcps_state *want, unsigned n);
#define TC_EXPECT(rec, side, ...)                                                              \
	do {                                                                                   \
		static const tcps_state want_[] = { __VA_ARGS__ };                             \
		tc_expect_states(rec, side, want_, sizeof want_ / sizeof want_[0]);            \
	} while (0)

#endif
