/* tcpstate sim [--scenario NAME] [--loss PCT] [--seed N] [--json] [--list]
 *
 * Parses the flags and hands over to the scenario runner (src/sim). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/scenario.h"

static void usage(FILE *out)
{
	fputs("usage: tcpstate sim [--scenario NAME] [--loss PCT] [--seed N] [--json]\n"
	      "       tcpstate sim --list\n\n"
	      "Runs two tcpstate engines against each other over a simulated link and\n"
	      "draws the segments between them as a ladder (or JSON Lines with --json).\n\n"
	      "  --scenario NAME  which scenario (default: " SIM_DEFAULT_SCENARIO ", the seed's example)\n"
	      "  --loss PCT       drop PCT percent of segments each way (0-100)\n"
	      "  --seed N         seed of the link's random choices (default 1)\n"
	      "  --json           JSON Lines records instead of the ladder\n"
	      "  --list           list the scenarios\n"
	      "  -h, --help       this help\n\n"
	      "Exit status: 0 when the scenario ends as expected, 1 when not, 2 on bad usage.\n",
	      out);
}

static void list(void)
{
	for (size_t i = 0; i < sim_scenario_count(); i++)
		printf("%-20s %s\n", sim_scenario_name(i), sim_scenario_summary(i));
}

static int bad(const char *fmt, const char *arg)
{
	return cli_usage_error("sim", fmt, arg);
}

static bool parse_pct(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 100))
		return false;
	*out = v;
	return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false; /* strtoull would accept "-1" and " 1" */
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* "--flag VALUE" or "--flag=VALUE": the value, or NULL (and *i moved). */
static const char *value_of(int argc, char **argv, int *i, const char *flag)
{
	const char *a = argv[*i];
	size_t n = strlen(flag);
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_flag(const char *a, const char *flag)
{
	size_t n = strlen(flag);
	return !strncmp(a, flag, n) && (a[n] == 0 || a[n] == '=');
}

int cmd_sim(int argc, char **argv)
{
	sim_options o = { .scenario = SIM_DEFAULT_SCENARIO, .loss_pct = -1, .seed = 1,
			  .out = stdout, .format = SIM_FORMAT_TEXT };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--list")) {
			list();
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			o.format = SIM_FORMAT_JSON;
		} else if (is_flag(a, "--scenario")) {
			if (!(v = value_of(argc, argv, &i, "--scenario")))
				return bad("%s needs a scenario name", "--scenario");
			if (!sim_scenario_exists(v))
				return bad("unknown scenario '%s' (see --list)", v);
			o.scenario = v;
		} else if (is_flag(a, "--loss")) {
			if (!(v = value_of(argc, argv, &i, "--loss")))
				return bad("%s needs a percentage", "--loss");
			if (!parse_pct(v, &o.loss_pct))
				return bad("--loss wants a percentage from 0 to 100, not '%s'", v);
		} else if (is_flag(a, "--seed")) {
			if (!(v = value_of(argc, argv, &i, "--seed")))
				return bad("%s needs a number", "--seed");
			if (!parse_u64(v, &o.seed))
				return bad("--seed wants a non-negative integer, not '%s'", v);
		} else {
			return bad("unknown option '%s'", a);
		}
	}
	sim_result res;
	int rc = sim_scenario_run(&o, &res);
	fflush(stdout);
	if (rc == 0) {
		/* The ladder's last line: what the reader came to check. */
		if (o.format == SIM_FORMAT_TEXT)
			printf("\nscenario %s: ended as expected (%llu segments, %llu lost, "
			       "%llu retransmitted)\n", res.scenario, (unsigned long long)res.segments,
			       (unsigned long long)res.lost, (unsigned long long)res.rexmits);
		return CLI_EXIT_OK;
	}
	fprintf(stderr, "tcpstate sim: scenario %s did not end as expected: %s\n", o.scenario, res.why);
	return CLI_EXIT_FAIL;
}
