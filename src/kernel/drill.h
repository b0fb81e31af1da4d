/* The seed's Mini Drill, run for real: a kernel listener and a kernel
 * client on loopback exchange one line and close, while the same process
 * captures the segments on lo, names both sides' states with the observer
 * and asks the kernel (sock_diag) for its own view of both sockets after
 * every step. */
#ifndef TCPS_KERNEL_DRILL_H
#define TCPS_KERNEL_DRILL_H

#include <stdint.h>
#include <stdio.h>

#define DRILL_ERRLEN 512
#define DRILL_DEFAULT_PORT 9000

typedef enum drill_status {
	DRILL_OK = 0,
	DRILL_NO_PRIVILEGE,   /* cannot capture: err names the privilege */
	DRILL_PORT_BUSY,      /* cannot listen on the port: err says why */
	DRILL_FAILED,         /* anything else: err says what */
} drill_status;

/* Runs the drill on 127.0.0.1:port, writing the ladder to out.  On
 * failure err holds one line, without a program-name prefix. */
drill_status drill_run(uint16_t port, FILE *out, char err[DRILL_ERRLEN]);

#endif
