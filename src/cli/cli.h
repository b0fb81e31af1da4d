/* The subcommands of `tcpstate`.  Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the exit status:
 * 0 success, 1 failure, 2 usage error. */
#ifndef TCPS_CLI_H
#define TCPS_CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

#include <stdbool.h>
#include <stdint.h>

/* "tcpstate CMD: <fmt with arg> (try 'tcpstate CMD --help')" on stderr;
 * returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* A positive decimal count, digits only (no sign, no spaces). */
bool cli_parse_count(const char *s, uint64_t *out);

int cmd_sim(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_drill(int argc, char **argv);
int cmd_transitions(int argc, char **argv);
int cmd_sockets(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_nc(int argc, char **argv);

#endif
