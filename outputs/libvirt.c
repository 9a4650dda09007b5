/* EXT: convert into a libvirt storage pool (-o libvirt [-oc URI] -os POOL).
 * Before anything starts, the pool is looked up through libvirt: it must
 * exist and be active, or the conversion would fail after the copy. */
#include <errno.h>
#include <stdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "outputs/output.h"
#include "common/cleanup.h"
#include "common/dlib.h"
#include "common/error.h"

#define LIBVIRT_DEFAULT_URI "qemu:///system"

/* The libvirt functions the pool check calls, loaded on demand: the
 * conversion's process does not link libvirt. */
struct virt_lib {
    virConnectPtr (*connect_open_read_only)(const char *name);
    int (*connect_close)(virConnectPtr conn);
    virStoragePoolPtr (*pool_lookup_by_name)(virConnectPtr conn, const char *name);
    int (*pool_is_active)(virStoragePoolPtr pool);
    int (*pool_free)(virStoragePoolPtr pool);
    virErrorPtr (*get_last_error)(void);
    void (*set_error_func)(void *userdata, virErrorFunc handler);
};

static int virt_lib_load(struct virt_lib *vl, char **error)
{
    static const struct dlib_symbol syms[] = {
        DLIB_SYMBOL(struct virt_lib, connect_open_read_only, "virConnectOpenReadOnly"),
        DLIB_SYMBOL(struct virt_lib, connect_close, "virConnectClose"),
        DLIB_SYMBOL(struct virt_lib, pool_lookup_by_name, "virStoragePoolLookupByName"),
        DLIB_SYMBOL(struct virt_lib, pool_is_active, "virStoragePoolIsActive"),
        DLIB_SYMBOL(struct virt_lib, pool_free, "virStoragePoolFree"),
        DLIB_SYMBOL(struct virt_lib, get_last_error, "virGetLastError"),
        DLIB_SYMBOL(struct virt_lib, set_error_func, "virSetErrorFunc"),
    };
    return dlib_load("libvirt.so.0", "the libvirt output", syms, ELEMENTSOF(syms), vl, error);
}

static void silence(void *userdata, virErrorPtr err)
{
}

static const char *last_error(const struct virt_lib *vl)
{
    virErrorPtr e = vl->get_last_error();
    return e && e->message ? e->message : "unknown libvirt error";
}

static int pool_check(const struct virt_lib *vl, const char *uri, const char *name, char **error)
{
    virConnectPtr conn = vl->connect_open_read_only(uri);
    int r = 0;

    if (!conn) {
        return error_set(error, -ECONNREFUSED, "\"libvirt_uri\": cannot connect to %s: %s",
                                               uri, last_error(vl));
    }
    virStoragePoolPtr pool = vl->pool_lookup_by_name(conn, name);
    if (!pool) {
        error_set(error, 0, "\"libvirt_pool\": there is no storage pool \"%s\" at %s", name, uri);
        r = -ENOENT;
    } else if (vl->pool_is_active(pool) != 1) {
        error_set(error, 0, "\"libvirt_pool\": the storage pool \"%s\" at %s is not active",
                            name, uri);
        r = -ENXIO;
    }
    if (pool)
        vl->pool_free(pool);
    vl->connect_close(conn);
    return r;
}

static int libvirt_prepare(const struct output_input *in, struct output_plan *plan, char **error)
{
    struct virt_lib vl;
    int r = virt_lib_load(&vl, error);
    if (r < 0)
        return r;
    vl.set_error_func(NULL, silence);
    return pool_check(&vl, in->libvirt_uri ? in->libvirt_uri : LIBVIRT_DEFAULT_URI,
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
