/* TCPS_ERR_* codes: their socket errno and their message.  See
 * tcpstate/tcpstate.h. */
#include "tcpstate/tcpstate.h"

#include <errno.h>

/* Indexed by -err.  The messages are strerror()'s for the errno, except
 * where the errno's own words would mislead: EPIPE's "broken pipe" for
 * SEND after CLOSE reads better as RFC 9293 §3.10.2's "connection
 * closing", and the engine's ABORT is the user's, not software's. */
static const struct {
	int errnum;
	const char *message;
} errors[] = {
	[0] = { 0, "success" },
	[-TCPS_ERR_AGAIN] = { EAGAIN, "resource temporarily unavailable" },
	[-TCPS_ERR_REFUSED] = { ECONNREFUSED, "connection refused" },
	[-TCPS_ERR_RESET] = { ECONNRESET, "connection reset by peer" },
	[-TCPS_ERR_TIMEDOUT] = { ETIMEDOUT, "connection timed out" },
	[-TCPS_ERR_CLOSING] = { EPIPE, "connection closing" },
	[-TCPS_ERR_NOT_CONNECTED] = { ENOTCONN, "transport endpoint is not connected" },
	[-TCPS_ERR_EXISTS] = { EISCONN, "transport endpoint is already connected" },
	[-TCPS_ERR_INVALID] = { EINVAL, "invalid argument" },
	[-TCPS_ERR_ABORTED] = { ECONNABORTED, "connection aborted" },
	[-TCPS_ERR_NOMEM] = { ENOMEM, "cannot allocate memory" },
	[-TCPS_ERR_UNREACHABLE] = { EHOSTUNREACH, "no route to host" },
};

#define NERRORS (sizeof errors / sizeof errors[0])

/* Compared without negating err: -INT_MIN would overflow. */
static bool known(int err)
{
	return err <= 0 && err > -(int)NERRORS;
}

/* An unknown code is a caller's bug; EINVAL says so without inventing a
 * network condition that did not happen. */
int tcps_errno(int err)
{
	return known(err) ? errors[-err].errnum : EINVAL;
}

const char *tcps_strerror(int err)
{
	return known(err) ? errors[-err].message : "unknown error";
}
