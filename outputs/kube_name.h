/* SPDX-License-Identifier: Apache-2.0 */
/* Names Kubernetes and virt-v2v -o kubevirt accept (RFC 1123). */
#ifndef V2VW_KUBE_NAME_H
#define V2VW_KUBE_NAME_H

#include <stdbool.h>

#define KUBE_NAME_MAX 63
#define KUBE_NAME_FALLBACK "vm"

/* Does `name` match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
 * (at most 253 bytes, each label at most 63)? */
bool kube_name_valid(const char *name);
/* A DNS label made from a VM name: lowercase; every run of other
 * characters (dots, spaces, non-ASCII bytes) becomes one '-'; no '-' at
 * either end; at most KUBE_NAME_MAX characters. For an ssh:// vmx URI the
 * name is that of the .vmx file. KUBE_NAME_FALLBACK when nothing is left.
 * NULL when out of memory. */
char *kube_name_from_vm(const char *vm_name);

#endif
