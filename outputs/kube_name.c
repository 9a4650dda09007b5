/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "outputs/kube_name.h"

static bool alnum_lower(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool label_valid(const char *s, size_t len)
{
    if (len == 0 || len > KUBE_NAME_MAX || !alnum_lower(s[0]) || !alnum_lower(s[len - 1]))
        return false;
    for (size_t i = 1; i + 1 < len; i++)
        if (!alnum_lower(s[i]) && s[i] != '-')
            return false;
    return true;
}

bool kube_name_valid(const char *name)
{
    if (!name || strlen(name) > 253)
        return false;
    for (const char *p = name;;) {
        size_t len = strcspn(p, ".");
        if (!label_valid(p, len))
            return false;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

/* ssh://user@host/vmfs/volumes/DS/VM/VM.vmx -> "VM" (the .vmx file's name). */
static void vmx_base(const char *vm_name, const char **start, size_t *len)
{
    *start = vm_name;
    *len = strlen(vm_name);
    if (strncmp(vm_name, "ssh://", 6) != 0)
        return;
    const char *slash = strrchr(vm_name, '/');
    if (slash && slash[1])
        *start = slash + 1;
    *len = strlen(*start);
    if (*len > 4 && strcmp(*start + *len - 4, ".vmx") == 0)
        *len -= 4;
}

char *kube_name_from_vm(const char *vm_name)
{
    const char *src;
    size_t len, n = 0;

    vmx_base(vm_name, &src, &len);
    char *out = malloc(KUBE_NAME_MAX + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < len && n < KUBE_NAME_MAX; i++) {
        char ch = src[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (alnum_lower(ch))
            out[n++] = ch;
        else if (n > 0 && out[n - 1] != '-')
            out[n++] = '-';
    }
    while (n > 0 && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    if (n == 0)
        strcpy(out, KUBE_NAME_FALLBACK);
    return out;
}
