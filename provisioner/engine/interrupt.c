/* interrupt.c - the SIGINT handler of apply/destroy (see interrupt.h). */
#include "provisioner/engine/interrupt.h"

#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t level;
static struct sigaction previous;
static int armed;

static void say(const char *msg)
{
    /* write(2) is async-signal-safe; stdio is not. Nothing to do if it fails. */
    ssize_t rc = write(STDERR_FILENO, msg, strlen(msg));
    (void)rc;
}

static void on_sigint(int sig)
{
    (void)sig;
    if (level == 0) {
        level = 1;
        say("\ndmsprov: interrupted: no new operation starts; waiting for those in flight to finish "
            "(Ctrl-C again to stop waiting)\n");
    } else {
        level = 2;
        /* from now on Ctrl-C ends the process at once */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGINT, &dfl, NULL);
        say("\ndmsprov: interrupted again: not waiting for the operations in flight; saving the state\n");
    }
}

int dp_interrupt_arm(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* API calls in flight carry on */
    level = 0;
    if (sigaction(SIGINT, NULL, &previous))
        return -1;
    /* Started with SIGINT ignored (a background job of a script): a Ctrl-C meant for the
     * foreground stays ignored here too, as it was. */
    if (previous.sa_handler == SIG_IGN)
        return 0;
    if (sigaction(SIGINT, &sa, NULL))
        return -1;
    armed = 1;
    return 0;
}

void dp_interrupt_disarm(void)
{
    if (armed)
        sigaction(SIGINT, &previous, NULL);
    armed = 0;
}

const volatile sig_atomic_t *dp_interrupt_level(void) { return &level; }
