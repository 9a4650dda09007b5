/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "outputs/http.h"
#include "outputs/kube_annotations.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/settings.h"

enum flight { FLIGHT_NONE, FLIGHT_PROGRESS, FLIGHT_GET, FLIGHT_FINAL };

struct kube_annotations {
    sd_event *event;
    struct kube_client *client;
    sd_event_source *timer;
    enum flight flight;
    int want, sent, flying;           /* percents; -1 = none */
    uint64_t not_before;              /* no request before (rate limit, backoff) */
    uint64_t backoff;
    /* the end */
    bool finishing, final_done, budget_checked, metadata_dropped;
    bool failed;
    char *error, *metadata, *format;
    size_t others;                    /* bytes of the annotations of others */
    uint64_t deadline;
    long final_seconds;
    void (*done)(void *);
    void *done_userdata;
};

static const char *const ours[] = {
    KUBE_ANN_PROGRESS, KUBE_ANN_METADATA, KUBE_ANN_FORMAT, KUBE_ANN_TRUNCATED, KUBE_ANN_ERROR,
};

static void next(struct kube_annotations *a);

/* The clock now, not the loop's wake-up time: the rate limit is real. */
static uint64_t now_usec(struct kube_annotations *a)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    next(userdata);
    return 0;
}

static bool timer_armed(struct kube_annotations *a)
{
    int enabled = SD_EVENT_OFF;
    sd_event_source_get_enabled(a->timer, &enabled);
    return enabled != SD_EVENT_OFF;
}

static void arm(struct kube_annotations *a, uint64_t when)
{
    sd_event_source_set_time(a->timer, when);
    sd_event_source_set_enabled(a->timer, SD_EVENT_ONESHOT);
}

int kube_annotations_new(sd_event *event, const struct kube_config *cfg, struct kube_annotations **out)
{
    struct kube_annotations *a = calloc(1, sizeof *a);
    if (!a)
        return -ENOMEM;
    a->event = sd_event_ref(event);
    a->want = a->sent = a->flying = -1;
    int r = kube_client_new(event, cfg, &a->client);
    if (r >= 0)
        r = sd_event_add_time(event, &a->timer, CLOCK_MONOTONIC, 0, 0, on_timer, a);
    if (r >= 0)
        r = sd_event_source_set_enabled(a->timer, SD_EVENT_OFF);
    if (r < 0) {
        kube_annotations_free(a);
        return r;
    }
    log_info("Kubernetes API: annotating %s", kube_client_describe(a->client));
    *out = a;
    return 0;
}

void kube_annotations_free(struct kube_annotations *a)
{
    if (!a)
        return;
    kube_client_free(a->client);
    sd_event_source_disable_unref(a->timer);
    sd_event_unref(a->event);
    free(a->error);
    free(a->metadata);
    free(a->format);
    free(a);
}

void kube_annotations_progress(struct kube_annotations *a, double percent)
{
    if (a->finishing || !(percent >= 0))
        return;
    int p = percent > 100 ? 100 : (int)percent;    /* percent >= 0: truncation = floor */
    if (p == a->want)
        return;
    a->want = p;
    next(a);
}

/* "HTTP 409 (the Status message)" or the transport error, for the log. */
static char *describe_failure(long status, const char *body, const char *error)
{
    _cleanup_json_ struct json_object *o = status ? json_tokener_parse(body) : NULL;
    struct json_object *m;
    _cleanup_free_ char *msg = NULL;
    char *out;

    if (!status)
        return strdup(error ? error : "no answer");
    if (o && json_object_object_get_ex(o, "message", &m) && json_object_is_type(m, json_type_string))
        msg = http_clean_text(json_object_get_string(m));
    if (asprintf(&out, "HTTP %ld%s%s%s", status, msg ? " (" : "", msg ? msg : "", msg ? ")" : "") < 0)
        return NULL;
    return out;
}

static bool retryable(enum flight f, long status)
{
    if (status == 0 || status == 409 || status == 429 || status >= 500)
        return true;
    /* A rotated token may be accepted again: keep trying the final state. */
    return f != FLIGHT_PROGRESS && status == 401;
}

static void finish_done(struct kube_annotations *a)
{
    a->final_done = true;
    sd_event_source_set_enabled(a->timer, SD_EVENT_OFF);
    if (a->done) {
        void (*done)(void *) = a->done;
        a->done = NULL;
        done(a->done_userdata);
    }
}

static void count_others(struct kube_annotations *a, const char *body)
{
    _cleanup_json_ struct json_object *pod = json_tokener_parse(body);
    struct json_object *meta, *ann;

    a->others = 0;
    if (!pod || !json_object_object_get_ex(pod, "metadata", &meta)
        || !json_object_object_get_ex(meta, "annotations", &ann) || !json_object_is_type(ann, json_type_object))
        return;
    json_object_object_foreach(ann, key, val) {
        bool mine = false;
        for (size_t i = 0; i < ELEMENTSOF(ours); i++)
            mine = mine || strcmp(key, ours[i]) == 0;
        if (!mine)
            a->others += strlen(key) + strlen(json_object_get_string(val));
    }
}

static void on_reply(void *userdata, long status, const char *body, const char *error)
{
    struct kube_annotations *a = userdata;
    enum flight f = a->flight;
    uint64_t now = now_usec(a);

    a->flight = FLIGHT_NONE;
    if (status >= 200 && status <= 299) {
        a->backoff = 0;
        if (f == FLIGHT_PROGRESS) {
            a->sent = a->flying;
            log_debug("Kubernetes API: %s is %d", KUBE_ANN_PROGRESS, a->sent);
        } else if (f == FLIGHT_GET) {
            a->budget_checked = true;
            count_others(a, body);
        } else {
            log_info("Kubernetes API: the final annotations are stored on the pod");
            finish_done(a);
            return;
        }
        next(a);
        return;
    }
    _cleanup_free_ char *why = describe_failure(status, body, error);
    const char *what = f == FLIGHT_GET ? "reading the pod" : f == FLIGHT_PROGRESS ? "updating the progress"
                                                                                 : "storing the final annotations";
    if (f == FLIGHT_FINAL && status == 422 && a->metadata && !a->metadata_dropped) {
        log_error("Kubernetes API: %s failed: %s; the metadata did not fit: sending it without the metadata",
                  what, why ? why : "?");
        a->metadata_dropped = true;
    } else if (retryable(f, status)) {
        a->backoff = a->backoff ? a->backoff * 2 : KUBE_BACKOFF_FIRST_USEC;
        if (a->backoff > KUBE_BACKOFF_MAX_USEC)
            a->backoff = KUBE_BACKOFF_MAX_USEC;
        if (a->not_before < now + a->backoff)
            a->not_before = now + a->backoff;
        log_warning("Kubernetes API: %s failed: %s; retrying in %.2f s", what, why ? why : "?",
                    (double)a->backoff / 1e6);
    } else {
        log_error("Kubernetes API: %s failed: %s; not retrying", what, why ? why : "?");
        if (f == FLIGHT_PROGRESS)
            a->sent = a->flying;           /* the next change tries again */
        else if (f == FLIGHT_GET)
            a->budget_checked = true;      /* go on without knowing the others */
        else {
            finish_done(a);
            return;
        }
    }
    next(a);
}

static void send_patch(struct kube_annotations *a, enum flight f, struct json_object *ann)
{
    _cleanup_json_ struct json_object *patch = json_object_new_object(), *meta = json_object_new_object();
    if (!patch || !meta)
        return;
    json_object_object_add(meta, "annotations", json_object_get(ann));
    json_object_object_add(patch, "metadata", json_object_get(meta));
    const char *body = json_object_to_json_string_ext(patch, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    int r = kube_client_patch_pod(a->client, HTTP_MERGE_PATCH, body, on_reply, a);
    if (r < 0) {
        log_error("Kubernetes API: cannot send a request: %s", strerror(-r));
        return;
    }
    a->flight = f;
}

static void add_string(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

static void send_progress(struct kube_annotations *a)
{
    _cleanup_json_ struct json_object *ann = json_object_new_object();
    char text[16];

    if (!ann)
        return;
    snprintf(text, sizeof text, "%d", a->want);
    add_string(ann, KUBE_ANN_PROGRESS, text);
    log_debug("Kubernetes API: sending %s=%s", KUBE_ANN_PROGRESS, text);
    a->flying = a->want;
    send_patch(a, FLIGHT_PROGRESS, ann);
}

size_t kube_metadata_fit(const char *metadata, size_t room)
{
    size_t len = strlen(metadata);
    if (len <= room)
        return len;
    size_t cut = room;
    while (cut > 0 && metadata[cut - 1] != '\n')
        cut--;
    return cut;
}

/* Bytes the final annotations take besides the metadata value. */
static size_t final_overhead(const struct kube_annotations *a)
{
    return strlen(KUBE_ANN_PROGRESS) + 3 + strlen(KUBE_ANN_METADATA) + strlen(KUBE_ANN_FORMAT)
           + strlen(a->format ? a->format : "") + strlen(KUBE_ANN_TRUNCATED) + 200;
}

static void add_metadata(struct kube_annotations *a, struct json_object *ann)
{
    size_t len = strlen(a->metadata), keep = len;
    size_t used = a->others + final_overhead(a);
    char note[200];

    if (a->metadata_dropped)
        keep = 0;
    else if (used + len > KUBE_ANNOTATIONS_BUDGET)
        keep = used < KUBE_ANNOTATIONS_BUDGET ? kube_metadata_fit(a->metadata, KUBE_ANNOTATIONS_BUDGET - used) : 0;
    add_string(ann, KUBE_ANN_FORMAT, a->format ? a->format : "");
    if (keep == len) {
        add_string(ann, KUBE_ANN_METADATA, a->metadata);
        return;
    }
    snprintf(note, sizeof note, "the metadata has %zu bytes; %zu were kept (whole lines): all annotations "
             "of a pod must fit %d bytes", len, keep, KUBE_ANNOTATIONS_BUDGET);
    log_warning("Kubernetes API: %s", note);
    add_string(ann, KUBE_ANN_TRUNCATED, note);
    if (keep > 0)
        json_object_object_add(ann, KUBE_ANN_METADATA, json_object_new_string_len(a->metadata, (int)keep));
}

static void send_final(struct kube_annotations *a)
{
    if (!a->failed && a->metadata && !a->budget_checked) {
        int r = kube_client_get_pod(a->client, on_reply, a);
        if (r >= 0) {
            a->flight = FLIGHT_GET;
            return;
        }
        a->budget_checked = true;
    }
    _cleanup_json_ struct json_object *ann = json_object_new_object();
    if (!ann)
        return;
    if (a->failed) {
        add_string(ann, KUBE_ANN_ERROR, a->error ? a->error : "the conversion failed");
    } else {
        add_string(ann, KUBE_ANN_PROGRESS, "100");
        if (a->metadata)
            add_metadata(a, ann);
    }
    send_patch(a, FLIGHT_FINAL, ann);
}

/* Send what is due, or arm the timer for when it is. */
static void next(struct kube_annotations *a)
{
    if (a->flight != FLIGHT_NONE || a->final_done)
        return;
    uint64_t now = now_usec(a);
    if (a->finishing && now >= a->deadline) {
        log_error("Kubernetes API: giving up on the final annotations after %ld s", a->final_seconds);
        finish_done(a);
        return;
    }
    if (!a->finishing && a->want == a->sent)
        return;
    if (now < a->not_before) {
        if (!timer_armed(a))
            arm(a, a->finishing && a->deadline < a->not_before ? a->deadline : a->not_before);
        return;
    }
    sd_event_source_set_enabled(a->timer, SD_EVENT_OFF);
    a->not_before = now + KUBE_PROGRESS_INTERVAL_USEC;
    if (a->finishing)
        send_final(a);
    else
        send_progress(a);
    if (a->flight == FLIGHT_NONE && a->finishing)
        finish_done(a);                     /* out of memory: nothing will call back */
}

static long final_seconds(void)
{
    return settings()->kube_final_sec;
}

void kube_annotations_finish(struct kube_annotations *a, const struct kube_outcome *o,
                             void (*done)(void *userdata), void *userdata)
{
    a->finishing = true;
    a->failed = o->failed;
    a->error = o->error ? strdup(o->error) : NULL;
    a->metadata = o->metadata ? strdup(o->metadata) : NULL;
    a->format = o->format ? strdup(o->format) : NULL;
    a->done = done;
    a->done_userdata = userdata;
    a->final_seconds = final_seconds();
    a->deadline = now_usec(a) + (uint64_t)a->final_seconds * 1000000;
    /* From the event loop, never from inside this call: done may follow. */
    sd_event_source_set_enabled(a->timer, SD_EVENT_OFF);
    arm(a, 1);
}
