/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack client's call on the event loop, against a scripted HTTP
 * server in a child process (each connection gets the next canned
 * answer; the real services are the lab tests' business): a GET answered
 * 503 is tried again, a POST answered 503 is not, a 401 gets one fresh
 * token, a refused connection is tried 4 times, a call abandoned while
 * its answer is awaited is never answered. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>

#include "outputs/openstack_api.h"
#include "tests/check.h"
#include "common/cleanup.h"

#define NEVER NULL                    /* a script entry: read the request, never answer */
#define TOKEN "TOKEN"                 /* a script entry: Keystone's answer, catalog at this port */

static int port;

static const char token_reply[] =
    "HTTP/1.1 201 Created\r\nX-Subject-Token: tok-1\r\nContent-Type: application/json\r\n"
    "Connection: close\r\nContent-Length: %zu\r\n\r\n%s";
static const char token_body[] =
    "{\"token\": {\"project\": {\"id\": \"p1\"}, \"catalog\": [{\"type\": \"volumev3\", \"endpoints\":"
    " [{\"interface\": \"public\", \"url\": \"http://127.0.0.1:%d/v3/p1\"}]}]}}";

static char *answer(int status, const char *body)
{
    char *out = NULL;
    if (asprintf(&out, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nConnection: close\r\n"
                 "Content-Length: %zu\r\n\r\n%s", status, strlen(body), body) < 0)
        abort();
    return out;
}

static char *token(void)
{
    char *body = NULL, *out = NULL;
    if (asprintf(&body, token_body, port) < 0 || asprintf(&out, token_reply, strlen(body), body) < 0)
        abort();
    free(body);
    return out;
}

/* One request: its first line to `record`, the body skipped. */
static void read_request(int fd, FILE *record)
{
    char buf[8192];
    size_t len = 0;
    ssize_t n;

    while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0) {
        len += (size_t)n;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        const char *cl = strcasestr(buf, "Content-Length:");
        if (end && (!cl || len >= (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10)))
            break;
    }
    buf[len] = '\0';
    fprintf(record, "%.*s\n", (int)strcspn(buf, "\r\n"), buf);
    fflush(record);
}

static void serve(int listener, char *const *script, size_t n, const char *record_path)
{
    FILE *record = fopen(record_path, "w");
    for (size_t i = 0; i < n && record; i++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            _exit(1);
        read_request(fd, record);
        if (script[i] == NEVER) {
            pause();
            _exit(0);
        }
        char *text = strcmp(script[i], TOKEN) == 0 ? token() : strdup(script[i]);
        if (!text || write(fd, text, strlen(text)) < 0)
            _exit(1);
        free(text);
        close(fd);
    }
    _exit(0);
}

static int listen_any(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0
        || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        abort();
    port = ntohs(a.sin_port);
    return fd;
}

struct answer {
    bool answered;
    int r;
    char *error;
    char *status;
};

static void on_done(void *userdata, int r, struct json_object *reply, const char *error)
{
    struct answer *a = userdata;
    a->answered = true;
    a->r = r;
    a->error = error ? strdup(error) : NULL;
    if (r >= 0 && reply)
        osp_cinder_read_status(reply, &a->status);
}

static struct osp_api *client(sd_event *event, int at_port)
{
    _cleanup_free_ char *url = NULL;
    struct osp_api *a = NULL;
    char *error = NULL;
    if (asprintf(&url, "http://127.0.0.1:%d/v3", at_port) < 0)
        abort();
    const struct osp_settings s = {
        .auth_url = url, .username = "u", .password = "pw", .user_domain_id = "default",
        .project_name = "p", .project_domain_id = "default", .interface = "public", .dest_project_id = "d",
        .timeout_ms = 5000, .connect_timeout_ms = 2000, .retry_ms = 20,
    };
    if (osp_api_new(event, &s, &a, &error) < 0) {
        fprintf(stderr, "%s\n", error);
        exit(1);
    }
    return a;
}

/* Run the loop until answered or `ms` passed. */
static void run(sd_event *event, struct answer *ans, unsigned ms)
{
    uint64_t end, now;
    sd_event_now(event, CLOCK_MONOTONIC, &now);
    end = now + ms * 1000ULL;
    while (!ans->answered && now < end) {
        sd_event_run(event, end - now);
        sd_event_now(event, CLOCK_MONOTONIC, &now);
    }
}

static char *recorded(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "r");
    if (!f || getdelim(&text, &len, '\0', f) < 0) {
        free(text);
        text = strdup("");
    }
    if (f)
        fclose(f);
    return text;
}

/* One scenario: the script served, the call (get or post) made. */
static void scenario(const char *name, char **script, size_t n, bool post, bool cancel, int want_r,
                     const char *want_requests, const char *want_error)
{
    _cleanup_free_ char *record_path = NULL, *requests = NULL;
    sd_event *event = NULL;
    struct answer ans = { 0 };
    char *error = NULL;
    int listener = listen_any();

    if (asprintf(&record_path, "/tmp/test-openstack-call.%d.%s", (int)getpid(), name) < 0)
        abort();
    pid_t pid = fork();
    if (pid == 0)
        serve(listener, script, n, record_path);
    close(listener);
    sd_event_new(&event);
    struct osp_api *a = client(event, port);
    int r = post ? osp_cinder_set_bootable(a, "v1", "marking volume 1 bootable", on_done, &ans, &error)
                 : osp_cinder_volume_status(a, OSP_SOURCE, "v1", "waiting for volume 1", on_done, &ans, &error);
    CHECK(r == 0, "%s: start: %s", name, error ? error : strerror(-r));
    run(event, &ans, cancel ? 500 : 10000);
    if (cancel) {
        CHECK(!ans.answered, "%s: no answer yet", name);
        osp_api_cancel(a);
        run(event, &ans, 300);
        CHECK(!ans.answered, "%s: never answered after the cancel", name);
    } else {
        CHECK(ans.answered && ans.r == want_r, "%s: r = %d (%s), want %d", name, ans.r,
              ans.error ? ans.error : "-", want_r);
        if (want_error)
            CHECK(ans.error && strstr(ans.error, want_error), "%s: error \"%s\" has \"%s\"", name,
                  ans.error ? ans.error : "", want_error);
        if (want_r == 0)
            CHECK(ans.status && strcmp(ans.status, "available") == 0, "%s: status read", name);
    }
    osp_api_free(a);
    sd_event_unref(event);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    requests = recorded(record_path);
    CHECK(strcmp(requests, want_requests) == 0, "%s: requests\n%s\nwant\n%s", name, requests, want_requests);
    unlink(record_path);
    free(ans.error);
    free(ans.status);
    free(error);
}

int main(void)
{
    const char *get = "GET /v3/p1/volumes/v1 HTTP/1.1\n";
    const char *post = "POST /v3/p1/volumes/v1/action HTTP/1.1\n";
    const char *auth = "POST /v3/auth/tokens HTTP/1.1\n";
    _cleanup_free_ char *get3 = NULL, *get_auth = NULL, *post1 = NULL, *reauth = NULL;
    char *ok = answer(200, "{\"volume\": {\"status\": \"available\"}}");
    char *unavailable = answer(503, "{\"error\": {\"message\": \"busy\"}}");
    char *gateway = answer(502, "bad gateway");
    char *expired = answer(401, "{\"error\": {\"message\": \"expired\"}}");

    if (asprintf(&get_auth, "%s%s", auth, get) < 0 || asprintf(&get3, "%s%s%s%s", auth, get, get, get) < 0
        || asprintf(&post1, "%s%s", auth, post) < 0 || asprintf(&reauth, "%s%s%s%s", auth, get, auth, get) < 0)
        abort();

    char *retry[] = { TOKEN, unavailable, gateway, ok };
    scenario("get-retried", retry, 4, false, false, 0, get3, NULL);
    char *no_retry[] = { TOKEN, unavailable };
    scenario("post-not-retried", no_retry, 2, true, false, -EIO, post1,
             "Marking volume 1 bootable failed: Cinder answered HTTP 503 to POST http://127.0.0.1");
    char *fresh[] = { TOKEN, expired, TOKEN, ok };
    scenario("401-fresh-token", fresh, 4, false, false, 0, reauth, NULL);
    char *hang[] = { TOKEN, NEVER };
    scenario("cancel-in-flight", hang, 2, false, true, 0, get_auth, NULL);

    /* Nothing listens: Keystone's POST is tried 4 times, then fails. */
    {
        sd_event *event = NULL;
        struct answer ans = { 0 };
        char *error = NULL;
        close(listen_any());           /* a free port: connections are refused */
        sd_event_new(&event);
        struct osp_api *a = client(event, port);
        CHECK(osp_api_authenticate(a, OSP_SOURCE, on_done, &ans, &error) == 0);
        run(event, &ans, 10000);
        CHECK(ans.answered && ans.r == -ECONNREFUSED, "refused: r = %d (%s)", ans.r, ans.error);
        CHECK(ans.error && strstr(ans.error, "Authenticating with Keystone failed: POST http://127.0.0.1"),
              "refused: %s", ans.error);
        CHECK(osp_api_calls(a) == 4, "refused: %u exchanges, want 4", osp_api_calls(a));
        osp_api_free(a);
        sd_event_unref(event);
        free(ans.error);
        free(error);
    }
    free(ok);
    free(unavailable);
    free(gateway);
    free(expired);
    return check_finish();
}
