/* tcpstate: one binary, subcommands.  This file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
	{ "sim", cmd_sim, "run two TCP engines against each other over a simulated link" },
	{ "trace", cmd_trace, "name the TCP state of both ends of every connection in a capture" },
	{ "drill", cmd_drill, "run the seed's Mini Drill on loopback with kernel sockets, watched live" },
	{ "transitions", cmd_transitions, "print the kernel's own TCP state changes as they happen" },
	{ "sockets", cmd_sockets, "the kernel's TCP sockets with their process, counts per state and diagnoses" },
	{ "nc", cmd_nc, "netcat over tcpstate's own TCP, on a TUN device, to the kernel" },
	{ "explain", cmd_explain, "what a TCP state means, which bug it signals; alone, the state diagram" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
	fputs("usage: tcpstate COMMAND [ARGS...]\n\ncommands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'tcpstate COMMAND --help' or 'tcpstate help COMMAND' describes one.\n", out);
}

static const command *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			const command *c = find(argv[2]);
			if (!c) {
				fprintf(stderr, "tcpstate: unknown command '%s'\n", argv[2]);
				return CLI_EXIT_USAGE;
			}
			char *args[] = { argv[2], "--help", NULL };
			return c->run(2, args);
		}
		usage(stdout);
		return CLI_EXIT_OK;
	}
	const command *c = find(name);
	if (!c) {
		fprintf(stderr, "tcpstate: unknown command '%s' (try 'tcpstate --help')\n", name);
		return CLI_EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
