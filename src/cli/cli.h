/* The subcommands of `tcpstate`.  Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the exit status:
 * 0 success, 1 failure, 2 usage error. */
#ifndef TCPS_CLI_H
#define TCPS_CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

int cmd_sim(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_drill(int argc, char **argv);
int cmd_transitions(int argc, char **argv);
int cmd_sockets(int argc, char **argv);
int cmd_explain(int argc, char **argv);

#endif
