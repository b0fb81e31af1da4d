/* Helpers shared by the tests.  Small on purpose: add what several test
 * files need, keep what one file needs in that file. */
#ifndef TCPS_TEST_SUPPORT_H
#define TCPS_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate/segment.h"

/* The ports tcpt_seg() fills in: a client's ephemeral port and a server's. */
#define TCPT_CLIENT_PORT 40000
#define TCPT_SERVER_PORT 9000

/* A segment from client to server with these control bits and numbers, a
 * 65535-byte window, no options and no payload. */
tcps_segment tcpt_seg(uint8_t flags, uint32_t seq, uint32_t ack);

/* A heap copy of bytes[0..len) in a block of exactly len bytes, so that
 * AddressSanitizer catches any read past the end.  May be NULL when len
 * is 0.  Free with free(). */
uint8_t *tcpt_dup_exact(const void *bytes, size_t len);

#endif
