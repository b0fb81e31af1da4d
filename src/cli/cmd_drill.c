/* tcpstate drill [--port N]
 *
 * Parses the one flag and runs the drill (src/kernel/drill.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kernel/drill.h"

static void usage(FILE *out)
{
	fputs("usage: tcpstate drill [--port N]\n\n"
	      "Runs the seed's Mini Drill for real on loopback: a kernel listener on\n"
	      "127.0.0.1:N and a kernel client connect, the client sends one line and closes,\n"
	      "the server reads it to the end and closes.  The segments are captured live on lo\n"
	      "and drawn as the labelled ladder (handshake 1/3 ... close 4/4, both sides'\n"
	      "states), and after every step the kernel's own view of both sockets is asked\n"
	      "over sock_diag, as `ss -tan` would show it.\n\n"
	      "  --port N    the port to listen on (default 9000)\n"
	      "  -h, --help  this help\n\n"
	      "Capturing needs CAP_NET_RAW (root, or setcap cap_net_raw+ep on the binary).\n"
	      "Exit status: 0 when the drill ran, 1 when it could not (no privilege to capture,\n"
	      "the port in use, a socket error), 2 on bad usage.\n",
	      out);
}

static int bad(const char *fmt, const char *arg)
{
	return cli_usage_error("drill", fmt, arg);
}

static bool parse_port(const char *s, uint16_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false; /* strtoul would take "-1" and " 1" */
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* Returns -1 when the options are fine, else the exit status. */
static int parse(int argc, char **argv, uint16_t *port)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		if (!strncmp(a, "--port=", 7)) {
			v = a + 7;
		} else if (!strcmp(a, "--port") || !strcmp(a, "-p")) {
			if (i + 1 >= argc)
				return bad("%s needs a port number", a);
			v = argv[++i];
		} else {
			return bad(a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", a);
		}
		if (!parse_port(v, port))
			return bad("--port wants a port number from 1 to 65535, not '%s'", v);
	}
	return -1;
}

int cmd_drill(int argc, char **argv)
{
	uint16_t port = DRILL_DEFAULT_PORT;
	char err[DRILL_ERRLEN];
	int rc = parse(argc, argv, &port);

	if (rc >= 0)
		return rc;
	/* The drill is watched as it happens: each line out when it is made. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (drill_run(port, stdout, err) != DRILL_OK) {
		fflush(stdout);
		fprintf(stderr, "tcpstate drill: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}
