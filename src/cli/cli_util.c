/* What the subcommands share: usage errors and number parsing. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "tcpstate %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (try 'tcpstate %s --help')\n", cmd);
	return CLI_EXIT_USAGE;
}

bool cli_parse_count(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false; /* strtoull would take "-1" and " 1" */
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return false;
	*out = v;
	return true;
}
