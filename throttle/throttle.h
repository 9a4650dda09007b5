/* SPDX-License-Identifier: Apache-2.0 */
/* Throttling (CONTRACT §8): what a throttling request says, and the limits a
 * conversion runs under: its cgroup (CPU quota) and its tc HTB class on
 * each egress interface (network), classified by that cgroup. */
#ifndef V2VW_THROTTLE_H
#define V2VW_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <json-c/json.h>

/* A validated request. For each of cpu/network: present=false means "keep the
 * current limit"; present with value NULL means "unlimited" (JSON null or
 * "unlimited"). cpu_percent is a percent of one CPU (> 0, may exceed 100);
 * network_bps is bytes per second (> 0). */
struct throttle_request {
    bool cpu_present, network_present;
    bool cpu_unlimited, network_unlimited;
    unsigned cpu_percent;
    uint64_t network_bps;
};

/* Validate a throttling object (the input's `throttling` key, or a
 * throttling file). `what` names the source in the error sentence.
 * Negative errno and *error (caller frees) on failure. */
int throttle_request_from_json(struct json_object *obj, const char *what,
                               struct throttle_request *req, char **error);
/* Parse a throttling file's bytes (same rules, plus "not a JSON object"). */
int throttle_request_parse(const char *buf, size_t len, struct throttle_request *req,
                           char **error);
/* "50%" / "unlimited" / "1048576" as recorded in the state's `throttling`. */
void throttle_cpu_text(const struct throttle_request *req, char *buf, size_t size);
void throttle_network_text(const struct throttle_request *req, char *buf, size_t size);

/* --- the limits of one running conversion --------------------------------- */
struct throttle;

/* Create the conversion's cgroup(s) (cgroup v2 with the cpu controller when
 * available to us, else the v1 cpu hierarchy, plus a v2 cgroup for the
 * network classifier) and reserve its tc class id. `tag` is the conversion
 * TAG. Negative errno and *error on failure. */
int throttle_new(const char *tag, struct throttle **out, char **error);
/* Use an existing cgroup (the systemd unit's) instead of creating one; CPU
 * is then the runner's business and throttle_set_cpu is not called.
 * `cgroup_v2_path` is relative to the v2 mount, e.g. "/system.slice/x.service". */
int throttle_new_for_cgroup(const char *tag, const char *cgroup_v2_path,
                            struct throttle **out, char **error);
/* Called in the forked engine child before it drops privileges and execs:
 * moves the calling process into the conversion's cgroups. Uses only
 * async-signal-safe calls. Negative errno. */
int throttle_enter(const struct throttle *t);
/* Apply limits. Negative errno and *error on failure. */
int throttle_set_cpu(struct throttle *t, const struct throttle_request *req, char **error);
int throttle_set_network(struct throttle *t, const struct throttle_request *req, char **error);
/* Remove classes, filters, the qdisc when no other conversion uses it, and
 * the cgroups this conversion created. Safe to call more than once. */
void throttle_free(struct throttle *t);
/* Remove what wrappers that died without cleaning up left behind. */
void throttle_collect_leftovers(void);
/* --check-throttling: report which methods work here; 0 if usable. */
int throttle_check(FILE *out);

/* The start time of PID (/proc/PID/stat field 22, tells PID reuse) and
 * whether it is a zombie. Negative errno. */
int proc_start_time(pid_t pid, unsigned long long *t, bool *zombie);

#endif
