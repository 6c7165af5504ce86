/* rotate_cron.c - `dmsprov rotate --print-cron`: a crontab line and a systemd timer + service
 * that run `rotate --if-due` every hour (the schedule itself decides when a rotation is due). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/base/buf.h"
#include "provisioner/rotate/rotate.h"

/* Appends s quoted for a POSIX shell (and systemd's ExecStart, which accepts the same). */
static void quote(dp_buf *b, const char *s)
{
    if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,+@") == strlen(s)) {
        dp_buf_puts(b, s);
        return;
    }
    dp_buf_putc(b, '\'');
    for (const char *p = s; *p; p++)
        if (*p == '\'')
            dp_buf_puts(b, "'\\''");
        else
            dp_buf_putc(b, *p);
    dp_buf_putc(b, '\'');
}

static void arg(dp_buf *b, const char *opt, const char *value)
{
    dp_buf_putc(b, ' ');
    dp_buf_puts(b, opt);
    if (value) {
        dp_buf_putc(b, ' ');
        quote(b, value);
    }
}

/* A stable minute in 0-59 per stack, so many stacks don't all start at :00. */
static int minute_for(const char *stack)
{
    unsigned h = 2166136261u; /* FNV-1a: spreading, not security */
    for (const char *p = stack; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return (int)(h % 60);
}

int dp_rotate_print_cron(const dp_globals *g, const dp_rot_options *o)
{
    char exe[PATH_MAX], cwd[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        snprintf(exe, sizeof exe, "dmsprov");
    else
        exe[n] = '\0';
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    dp_buf cmd, dir;
    dp_buf_init(&cmd, 1 << 16);
    dp_buf_init(&dir, 1 << 16);
    quote(&cmd, exe);
    quote(&dir, cwd);
    if (g->region)
        arg(&cmd, "--region", g->region);
    if (g->profile)
        arg(&cmd, "--profile", g->profile);
    if (g->endpoint_url)
        arg(&cmd, "--endpoint-url", g->endpoint_url);
    if (g->state)
        arg(&cmd, "--state", g->state);
    arg(&cmd, "rotate --stack", o->stack);
    if (o->template_path)
        arg(&cmd, "--template", o->template_path);
    if (o->secret)
        arg(&cmd, "--secret", o->secret);
    if (o->method == DP_ROT_SQL)
        arg(&cmd, "--method sql", NULL);
    arg(&cmd, "--if-due", NULL);

    printf("# crontab line (install with 'crontab -e'): checks hourly, rotates when the schedule says so\n"
           "%d * * * * cd %s && %s >>\"$HOME/dmsprov-rotate-%s.log\" 2>&1\n\n",
           minute_for(o->stack), dp_buf_str(&dir), dp_buf_str(&cmd), o->stack);
    printf("# systemd: save as ~/.config/systemd/user/dmsprov-rotate-%s.service\n"
           "[Unit]\nDescription=dmsprov: rotate the database password of stack %s when due\n"
           "Wants=network-online.target\nAfter=network-online.target\n\n"
           "[Service]\nType=oneshot\nWorkingDirectory=%s\nExecStart=%s\n\n",
           o->stack, o->stack, cwd, dp_buf_str(&cmd));
    printf("# systemd: save as ~/.config/systemd/user/dmsprov-rotate-%s.timer, then\n"
           "#   systemctl --user daemon-reload && systemctl --user enable --now dmsprov-rotate-%s.timer\n"
           "[Unit]\nDescription=dmsprov: hourly rotation check for stack %s\n\n"
           "[Timer]\nOnCalendar=*-*-* *:%02d:00\nRandomizedDelaySec=300\nPersistent=true\n\n"
           "[Install]\nWantedBy=timers.target\n",
           o->stack, o->stack, o->stack, minute_for(o->stack));
    dp_buf_cleanup(&cmd);
    dp_buf_cleanup(&dir);
    return DP_EXIT_OK;
}
