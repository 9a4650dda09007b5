/* EXT: convert into a libvirt storage pool (-o libvirt [-oc URI] -os POOL).
 * Before anything starts, the pool is looked up through libvirt: it must
 * exist and be active, or the conversion would fail after the copy. */
#include <errno.h>
#include <stdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "outputs/output.h"
#include "common/error.h"

#define LIBVIRT_DEFAULT_URI "qemu:///system"

static void silence(void *userdata, virErrorPtr err)
{
}

static const char *last_error(void)
{
    virErrorPtr e = virGetLastError();
    return e && e->message ? e->message : "unknown libvirt error";
}

static int pool_check(const char *uri, const char *name, char **error)
{
    virConnectPtr conn = virConnectOpenReadOnly(uri);
    int r = 0;

    if (!conn) {
        return error_set(error, -ECONNREFUSED, "\"libvirt_uri\": cannot connect to %s: %s",
                                               uri, last_error());
    }
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, name);
    if (!pool) {
        error_set(error, 0, "\"libvirt_pool\": there is no storage pool \"%s\" at %s", name, uri);
        r = -ENOENT;
    } else if (virStoragePoolIsActive(pool) != 1) {
        error_set(error, 0, "\"libvirt_pool\": the storage pool \"%s\" at %s is not active",
                            name, uri);
        r = -ENXIO;
    }
    if (pool)
        virStoragePoolFree(pool);
    virConnectClose(conn);
    return r;
}

static int libvirt_prepare(const struct output_input *in, struct output_plan *plan, char **error)
{
    virSetErrorFunc(NULL, silence);
    return pool_check(in->libvirt_uri ? in->libvirt_uri : LIBVIRT_DEFAULT_URI,
                      in->libvirt_pool, error);
}

static int libvirt_append_args(const struct output_input *in, const struct output_plan *plan,
                               struct strv *argv, char **error)
{
    int r = strv_push_all(argv, "-o", "libvirt", NULL);
    if (r >= 0 && in->libvirt_uri)
        r = strv_push_all(argv, "-oc", in->libvirt_uri, NULL);
    if (r >= 0)
        r = strv_push_all(argv, "-os", in->libvirt_pool, NULL);
    return r < 0 ? r : output_append_format(in, plan, argv);
}

const struct output_ops output_libvirt = {
    .id = OUTPUT_LIBVIRT,
    .name = "libvirt",
    .log_dir = "/tmp",
    .identity = IDENTITY_CALLER,
    .prepare = libvirt_prepare,
    .append_args = libvirt_append_args,
};
