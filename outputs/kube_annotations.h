/* SPDX-License-Identifier: Apache-2.0 */
/* The conversion's annotations on its own pod, through the Kubernetes API
 * (merge patches, application/merge-patch+json):
 *   v2vConversionProgress        integer percent as a string (parseInt reads it)
 *   v2vConversionMetadata        the engine's output metadata, at success
 *   v2vConversionMetadataFormat  "json" or "kubevirt-yaml"
 *   v2vConversionMetadataTruncated  set when the metadata did not fit the
 *                                object's 256 KiB annotation budget
 *   v2vConversionError           the final error message, at failure
 * Progress goes out when the integer percent changes, at most once per
 * second; 409, 429, 5xx and unanswered requests are retried with backoff
 * from event loop timers. API failures are logged, never fatal. */
#ifndef V2VW_KUBE_ANNOTATIONS_H
#define V2VW_KUBE_ANNOTATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>
#include "outputs/kube_client.h"

#define KUBE_ANNOTATIONS_BUDGET (256 * 1024)   /* all annotations of an object (keys + values) */
#define KUBE_PROGRESS_INTERVAL_USEC 1000000ULL
#define KUBE_BACKOFF_FIRST_USEC 250000ULL
#define KUBE_BACKOFF_MAX_USEC 16000000ULL

#define KUBE_ANN_PROGRESS "v2vConversionProgress"
#define KUBE_ANN_METADATA "v2vConversionMetadata"
#define KUBE_ANN_FORMAT "v2vConversionMetadataFormat"
#define KUBE_ANN_TRUNCATED "v2vConversionMetadataTruncated"
#define KUBE_ANN_ERROR "v2vConversionError"

struct kube_annotations;

struct kube_outcome {
    bool failed;
    const char *error;         /* failed: the message */
    const char *metadata;      /* success: the metadata document, NULL = none */
    const char *format;        /* "json" or "kubevirt-yaml" */
};

int kube_annotations_new(sd_event *event, const struct kube_config *cfg, struct kube_annotations **out);
void kube_annotations_free(struct kube_annotations *a);
/* The overall percent now (0..100; fractions are dropped). */
void kube_annotations_progress(struct kube_annotations *a, double percent);
/* The final annotations: sent after any progress in flight, retried until
 * V2VW_KUBE_FINAL_SECONDS (settings); `done` is called once, from the event loop
 * (never from inside this call), when they are stored or given up. */
void kube_annotations_finish(struct kube_annotations *a, const struct kube_outcome *o,
                             void (*done)(void *userdata), void *userdata);

/* The part of `metadata` (whole lines) that fits `room` bytes; its length.
 * Exposed for tests. */
size_t kube_metadata_fit(const char *metadata, size_t room);

#endif
