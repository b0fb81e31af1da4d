/* tcpstate explain [STATE] [--json] | tcpstate explain --questions [--json]
 *
 * Parses the arguments and hands over to src/explain, which reads the
 * state table. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "explain/explain.h"

static void usage(FILE *out)
{
	fputs("usage: tcpstate explain [STATE] [--json]\n"
	      "       tcpstate explain --questions [--json]\n\n"
	      "With a STATE: what it means, which side of the connection is in it and how\n"
	      "it got there, what it waits for, whether it is normal, which bug it usually\n"
	      "signals and how to confirm it.  Without: the state diagram, every transition\n"
	      "of the state table, the eleven states, and the answers to the seed's\n"
	      "\"Check Yourself\" questions.\n\n"
	      "  STATE        any spelling: SYN_SENT, syn-sent, SYN-RECEIVED, ESTAB, time-wait\n"
	      "  --json       one JSON object instead of text\n"
	      "  --questions  only the \"Check Yourself\" answers and CLOSE_WAIT vs TIME_WAIT\n"
	      "  -h, --help   this help\n\n"
	      "Exit status: 0 on success, 2 on bad usage or an unknown state.\n",
	      out);
}

static int bad(const char *fmt, const char *arg)
{
	return cli_usage_error("explain", fmt, arg);
}

/* The names come from the table's own list, so the hint stays true. */
static int unknown_state(const char *name)
{
	fprintf(stderr, "tcpstate explain: unknown state '%s' (try: ", name);
	for (int s = 0; s < TCPS_NSTATES; s++)
		fprintf(stderr, "%s%s", s ? ", " : "", tcps_state_name((tcps_state)s));
	fputs(")\n", stderr);
	return CLI_EXIT_USAGE;
}

static int run(const char *state, bool json, bool questions)
{
	if (questions) {
		(json ? explain_questions_json : explain_questions)(stdout);
	} else if (!state) {
		(json ? explain_diagram_json : explain_diagram)(stdout);
	} else {
		int s = tcps_state_parse(state);
		if (s < 0)
			return unknown_state(state);
		(json ? explain_state_json : explain_state)(stdout, (tcps_state)s);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("tcpstate explain: writing the output");
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
	bool json = false, questions = false;
	const char *state = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--questions")) {
			questions = true;
		} else if (a[0] == '-') {
			return bad("unknown flag '%s'", a);
		} else if (state) {
			return bad("one state at a time: '%s' is one too many", a);
		} else {
			state = a;
		}
	}
	if (state && questions)
		return bad("--questions takes no state, got '%s'", state);
	return run(state, json, questions);
}
