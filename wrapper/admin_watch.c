/* `watch [TAG]`: the list, redrawn when a state file changes (inotify on
 * the index and state directories, no polling). On a terminal: the
 * alternate screen, `q` or Ctrl-C quits and the screen is restored; else
 * one line per change (with TAG: until that conversion finishes). */
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "wrapper/admin.h"
#include "common/cleanup.h"

#define WATCH_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

struct watch {
    const char *tag;
    bool tty;
    int ino, sig;
    struct termios saved;
    bool termios_saved;
    char **seen;              /* plain mode: last printed state per tag */
    char **seen_tag;
    size_t n_seen;
};

static void watch_dirs(struct watch *w, const struct admin_list *l)
{
    inotify_add_watch(w->ino, admin_index_dir(), WATCH_EVENTS);
    const char *sd = getenv("V2VW_STATE_DIR");
    if (sd && *sd)
        inotify_add_watch(w->ino, sd, WATCH_EVENTS);
    for (size_t i = 0; i < l->n; i++) {
        _cleanup_free_ char *d = strdup(l->v[i].state_file);
        if (d)
            inotify_add_watch(w->ino, dirname(d), WATCH_EVENTS);
    }
}

static void select_tag(struct admin_list *l, const char *tag)
{
    struct admin_conversion *c = tag ? admin_find(l, tag) : NULL;
    if (!tag)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (&l->v[i] != c) {
            free(l->v[i].tag);
            free(l->v[i].state_file);
            json_object_put(l->v[i].state);
        }
    if (c) {
        l->v[0] = *c;
        l->n = 1;
    } else {
        l->n = 0;
    }
}

static void draw_screen(struct watch *w, const struct admin_list *l)
{
    struct winsize ws = { 0 };
    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
    fputs("\033[H\033[2J", stdout);
    printf("virt-v2v-wrapper watch%s%s (q quits)\n\n", w->tag ? " " : "", w->tag ? w->tag : "");
    admin_render_list(stdout, l, ws.ws_col);
    fflush(stdout);
}

/* Plain mode: a line for each conversion whose state changed. */
static void print_changes(struct watch *w, const struct admin_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *text = json_object_to_json_string(l->v[i].state);
        size_t k = 0;
        while (k < w->n_seen && strcmp(w->seen_tag[k], l->v[i].tag) != 0)
            k++;
        if (k < w->n_seen && strcmp(w->seen[k], text) == 0)
            continue;
        if (k == w->n_seen) {
            char **a = realloc(w->seen, (k + 1) * sizeof *a), **b;
            if (a)
                w->seen = a;
            b = realloc(w->seen_tag, (k + 1) * sizeof *b);
            if (b)
                w->seen_tag = b;
            if (!a || !b)
                continue;
            w->seen[k] = NULL;
            w->seen_tag[k] = strdup(l->v[i].tag);
            w->n_seen++;
        }
        free(w->seen[k]);
        w->seen[k] = strdup(text);
        admin_render_line(stdout, &l->v[i]);
    }
    fflush(stdout);
}

static void terminal_enter(struct watch *w)
{
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &w->saved) == 0) {
        struct termios raw = w->saved;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        w->termios_saved = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    fputs("\033[?1049h\033[?25l", stdout);     /* alternate screen, no cursor */
    fflush(stdout);
}

static void terminal_leave(struct watch *w)
{
    fputs("\033[?25h\033[?1049l", stdout);     /* cursor back, main screen back */
    fflush(stdout);
    if (w->termios_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &w->saved);
}

static bool quit_key(void)
{
    char ch;
    while (read(STDIN_FILENO, &ch, 1) == 1)
        if (ch == 'q' || ch == 'Q' || ch == 3)
            return true;
    return false;
}

static void drain(int fd)
{
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

static int loop(struct watch *w)
{
    for (;;) {
        _cleanup_(admin_list_free) struct admin_list l = { 0 };
        admin_load(&l, w->tag != NULL);
        watch_dirs(w, &l);
        select_tag(&l, w->tag);
        if (w->tty)
            draw_screen(w, &l);
        else
            print_changes(w, &l);
        if (!w->tty && w->tag && l.n == 1 && admin_bool(l.v[0].state, "finished"))
            return ADMIN_OK;
        struct pollfd p[3] = { { .fd = w->ino, .events = POLLIN }, { .fd = w->sig, .events = POLLIN },
                               { .fd = w->tty ? STDIN_FILENO : -1, .events = POLLIN } };
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            return ADMIN_FAILED;
        if (p[1].revents) {
            struct signalfd_siginfo si;
            if (read(w->sig, &si, sizeof si) == sizeof si && si.ssi_signo != SIGWINCH)
                return ADMIN_OK;
        }
        if (p[2].revents && quit_key())
            return ADMIN_OK;
        drain(w->ino);
    }
}

int admin_cmd_watch(const char *tag)
{
    struct watch w = { .tag = tag, .tty = isatty(STDOUT_FILENO) };
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGWINCH);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    w.sig = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    w.ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w.sig < 0 || w.ino < 0) {
        fprintf(stderr, "virt-v2v-wrapper: watch: %s\n", strerror(errno));
        return ADMIN_FAILED;
    }
    if (tag) {
        _cleanup_(admin_list_free) struct admin_list l = { 0 };
        admin_load(&l, true);
        if (!admin_find(&l, tag)) {
            fprintf(stderr, "virt-v2v-wrapper: no conversion %s on this host (see `virt-v2v-wrapper list`)\n", tag);
            return ADMIN_NOT_FOUND;
        }
    }
    if (w.tty)
        terminal_enter(&w);
    int r = loop(&w);
    if (w.tty)
        terminal_leave(&w);
    for (size_t i = 0; i < w.n_seen; i++) {
        free(w.seen[i]);
        free(w.seen_tag[i]);
    }
    free(w.seen);
    free(w.seen_tag);
    close(w.ino);
    close(w.sig);
    return r;
}
