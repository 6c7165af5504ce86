/* interrupt.h - Ctrl-C while apply or destroy runs operations: stop cleanly, not abruptly.
 *
 * While armed, the first SIGINT stops new operations from starting (those in flight run to
 * completion and are recorded in the state); a second one stops waiting for them too (an
 * abandoned create is already in the state with its client token, so the next apply adopts
 * it); a third one is the default action (the process ends). Disarming restores the handler
 * that was there before. Not reentrant: one armed section per process at a time. */
#ifndef DP_INTERRUPT_H
#define DP_INTERRUPT_H
#include <signal.h>

/* Installs the SIGINT handler and resets the count; 0, or -1 when sigaction failed. A process
 * that started with SIGINT ignored keeps ignoring it (nothing is installed). */
int dp_interrupt_arm(void);
void dp_interrupt_disarm(void);
/* The number of SIGINTs received since arming (0, 1 or 2): what exec.h's interrupt reads. */
const volatile sig_atomic_t *dp_interrupt_level(void);

#endif
