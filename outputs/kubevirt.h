/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes pod mode (KUBERNETES.md): the parts of the pod output that
 * work on the pod's file layout, exposed for tests. */
#ifndef V2VW_KUBEVIRT_H
#define V2VW_KUBEVIRT_H

#include <stdbool.h>
#include <stddef.h>

#define KUBE_TERMINATION_MAX 4096             /* what the kubelet keeps of it */
#define KUBE_METADATA_MAX (4 * 1024 * 1024)   /* bytes of the metadata file read */

enum kube_engine_mode { KUBE_ENGINE_NONE, KUBE_ENGINE_JSON, KUBE_ENGINE_KUBEVIRT };

/* From the engine's capability list: output:json (1.x) first, then
 * output:kubevirt (2.x). */
enum kube_engine_mode kube_engine_mode(char *const *capabilities);
/* virt-v2v's name of disk `index` (0-based): "a".."z", "aa".. */
void kube_drive_letters(size_t index, char out[8]);

#endif
