/* SPDX-License-Identifier: Apache-2.0 */
/* Drives the Kubernetes annotations client alone (no wrapper, no engine):
 *
 *   kube-driver STEPS...
 *
 * STEP: a number = progress percent; "wait:SECONDS" = run the loop that
 * long; "ok" / "fail:MESSAGE" = the final annotations (metadata from
 * $KUBE_DRIVER_METADATA), then run until done. In-cluster configuration
 * from the usual environment. A 20 ms heartbeat timer runs all along; at
 * the end it prints "heartbeat max gap MS" (the loop never blocked longer)
 * and "done after MS". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "outputs/kube_annotations.h"
#include "common/log.h"

static uint64_t last_beat, max_gap;

static int on_beat(sd_event_source *s, uint64_t usec, void *userdata)
{
    uint64_t now;
    sd_event_now(sd_event_source_get_event(s), CLOCK_MONOTONIC, &now);
    if (last_beat && now - last_beat > max_gap)
        max_gap = now - last_beat;
    last_beat = now;
    sd_event_source_set_time(s, now + 20000);
    sd_event_source_set_enabled(s, SD_EVENT_ON);
    return 0;
}

static void on_done(void *userdata)
{
    sd_event_exit(userdata, 0);
}

static void run_for(sd_event *e, double seconds)
{
    uint64_t end, now;
    sd_event_now(e, CLOCK_MONOTONIC, &now);
    end = now + (uint64_t)(seconds * 1e6);
    while (now < end) {
        sd_event_run(e, (end - now));
        sd_event_now(e, CLOCK_MONOTONIC, &now);
    }
}

static char *read_all(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    char *buf = NULL;
    size_t cap = 0;
    if (f && getdelim(&buf, &cap, '\0', f) < 0) {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    sd_event *e = NULL;
    sd_event_source *beat = NULL;
    struct kube_config cfg;
    struct kube_annotations *a = NULL;
    char *error = NULL;
    bool finished = false;
    uint64_t t0, t1;

    if (kube_config_in_cluster(&cfg, &error) < 0) {
        fprintf(stderr, "kube-driver: %s\n", error);
        return 1;
    }
    sd_event_default(&e);
    sd_event_add_time_relative(e, &beat, CLOCK_MONOTONIC, 20000, 0, on_beat, NULL);
    if (kube_annotations_new(e, &cfg, &a) < 0)
        return 1;
    kube_config_free(&cfg);
    sd_event_now(e, CLOCK_MONOTONIC, &t0);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strncmp(s, "wait:", 5) == 0) {
            run_for(e, atof(s + 5));
        } else if (strcmp(s, "ok") == 0 || strncmp(s, "fail:", 5) == 0) {
            char *metadata = read_all(getenv("KUBE_DRIVER_METADATA"));
            struct kube_outcome o = { .failed = s[0] == 'f', .error = s[0] == 'f' ? s + 5 : NULL,
                                      .metadata = metadata, .format = "kubevirt-yaml" };
            sd_event_now(e, CLOCK_MONOTONIC, &t0);
            kube_annotations_finish(a, &o, on_done, e);
            free(metadata);
            sd_event_loop(e);
            finished = true;
            break;
        } else {
            kube_annotations_progress(a, atof(s));
            run_for(e, 0);
        }
    }
    sd_event_now(e, CLOCK_MONOTONIC, &t1);
    printf("heartbeat max gap %llu ms\n", (unsigned long long)(max_gap / 1000));
    if (finished)
        printf("done after %llu ms\n", (unsigned long long)((t1 - t0) / 1000));
    kube_annotations_free(a);
    sd_event_source_disable_unref(beat);
    sd_event_unref(e);
    return 0;
}
