#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "luks/vault.h"
#include "wrapper/files.h"
#include "wrapper/luks_keys.h"

#define VAULT_DEFAULT_NAME ".v2v_luks_keys_vault.json"

char *luks_vault_path(const struct conversion *c)
{
    if (c->cfg.luks_keys_vault)
        return strdup(c->cfg.luks_keys_vault);
    /* The wrapper's own $HOME (root's on a conversion host, the file
     * ManageIQ's preflight checks), not the conversion user's: an oVirt
     * upload runs as vdsm but its vault is /root's (CONTRACT §9). */
    const char *home = getenv("HOME");
    struct passwd *pw;
    if ((!home || home[0] != '/') && (pw = getpwuid(geteuid())) && pw->pw_dir && pw->pw_dir[0] == '/')
        home = pw->pw_dir;
    if (!home || home[0] != '/')
        home = "/";
    char *path;
    if (asprintf(&path, "%s%s" VAULT_DEFAULT_NAME, home,
                 home[strlen(home) - 1] == '/' ? "" : "/") < 0)
        return NULL;
    return path;
}

static void entries_freep(struct vault_entry **e, size_t *n)
{
    vault_entries_free(*e, *n);
    *e = NULL;
    *n = 0;
}

int luks_secrets_create(struct conversion *c, char **error)
{
    _cleanup_free_ char *path = luks_vault_path(c);
    struct vault_entry *entries = NULL;
    size_t n = 0;

    if (!path)
        return -ENOMEM;
    int r = vault_load(path, c->cfg.luks_keys_vault != NULL, c->cfg.vm_name, c->uid,
                       &entries, &n, error);
    if (r < 0 || n == 0)
        return r;

    struct secret_files *s = &c->secrets;
    s->luks = calloc(n, sizeof *s->luks);
    if (!s->luks) {
        entries_freep(&entries, &n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n && r >= 0; i++) {
        char name[32];
        snprintf(name, sizeof name, "luks-%zu", i + 1);
        s->luks[i].device = strdup(entries[i].device);
        if (!s->luks[i].device) {
            r = -ENOMEM;
            break;
        }
        s->n_luks = i + 1;
        r = secret_file_write(c, name, entries[i].key, strlen(entries[i].key),
                              &s->luks[i].key_file, error);
    }
    entries_freep(&entries, &n);
    return r;
}
