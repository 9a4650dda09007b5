/* Conversions as Prometheus/OpenMetrics text (the admin command's
 * `metrics`, and the wrapper's node_exporter textfile). Works on state
 * file JSON, so the admin command needs nothing but json-c. */
#ifndef V2VW_STATE_METRICS_H
#define V2VW_STATE_METRICS_H

#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

struct metrics_conversion {
    const char *tag;
    struct json_object *state;         /* the state file's object */
};

/* Every metric family once (HELP, TYPE, then one sample per conversion).
 * Negative errno when writing fails. */
int state_metrics_write(FILE *out, const struct metrics_conversion *c, size_t n);

/* A throttling limit as the state shows it ("50%", "10485760") as a number:
 * CPU as a fraction of one CPU (0.5), network in bytes per second; -1 when
 * unlimited or not a number. */
double metrics_cpu_fraction(const char *text);
double metrics_network_bps(const char *text);

#endif
