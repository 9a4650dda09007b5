/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes pod output (`"daemonize": false` and no other output key):
 * virt-v2v -o json (1.x) or -o kubevirt (2.x) into /data/vm, the disks at
 * /data/vm/diskN/disk.img, progress and the result as annotations on the
 * pod, the error also in the termination message. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "outputs/kube_annotations.h"
#include "outputs/kube_name.h"
#include "outputs/kubevirt.h"
#include "outputs/output.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/settings.h"

struct pod {                            /* the plan's priv */
    enum kube_engine_mode mode;
    char *vm_dir;                       /* DATA/vm */
    const char *name;                   /* -on NAME (kubevirt mode): the plan's output_name */
    size_t n_links;                     /* NAME-sdX -> diskN/disk.img made before the engine */
    struct kube_annotations *annotations;
    sd_event_source *defer;             /* done without annotations, from the loop */
    output_done_fn done;
    void *done_userdata;
};

enum kube_engine_mode kube_engine_mode(char *const *capabilities)
{
    bool json = false, kubevirt = false;
    for (size_t i = 0; capabilities && capabilities[i]; i++) {
        json = json || strcmp(capabilities[i], "output:json") == 0;
        kubevirt = kubevirt || strcmp(capabilities[i], "output:kubevirt") == 0;
    }
    return json ? KUBE_ENGINE_JSON : kubevirt ? KUBE_ENGINE_KUBEVIRT : KUBE_ENGINE_NONE;
}

void kube_drive_letters(size_t index, char out[8])
{
    char rev[8];
    size_t n = 0;
    for (size_t i = index + 1; i > 0 && n < 7; i = (i - 1) / 26)
        rev[n++] = (char)('a' + (i - 1) % 26);
    for (size_t k = 0; k < n; k++)
        out[k] = rev[n - 1 - k];
    out[n] = '\0';
}

static const char *data_dir(void)
{
    return settings()->kube_data_dir;
}

static void pod_free(void *priv)
{
    struct pod *pod = priv;
    if (!pod)
        return;
    kube_annotations_free(pod->annotations);
    sd_event_source_disable_unref(pod->defer);
    free(pod->vm_dir);
    free(pod);
}

static int kubevirt_prepare(const struct output_input *in, struct output_plan *plan, char **error)
{
    struct pod *pod = calloc(1, sizeof *pod);
    struct stat st;

    if (!pod)
        return -ENOMEM;
    plan->priv = pod;
    if (asprintf(&pod->vm_dir, "%s/vm", data_dir()) < 0)
        return -ENOMEM;
    if (stat(pod->vm_dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return error_set(error, -ENOTDIR, "\"daemonize\": false (Kubernetes pod mode): %s is not a directory",
                         pod->vm_dir);
    pod->mode = kube_engine_mode(in->capabilities);
    if (pod->mode == KUBE_ENGINE_NONE)
        return error_set(error, -EOPNOTSUPP, "\"daemonize\": false (Kubernetes pod mode): the engine has "
                         "neither output:json nor output:kubevirt");
    if (pod->mode == KUBE_ENGINE_KUBEVIRT && !(plan->output_name = kube_name_from_vm(in->vm_name)))
        return -ENOMEM;
    pod->name = plan->output_name;
    return 0;
}

static int kubevirt_append_args(const struct output_input *in, const struct output_plan *plan,
                                struct strv *argv, char **error)
{
    const struct pod *pod = plan->priv;
    int r;
    if (pod->mode == KUBE_ENGINE_JSON)
        r = strv_push_all(argv, "-o", "json", "-os", pod->vm_dir,
                          "-oo", "json-disks-pattern=disk%{DiskNo}/disk.img", NULL);
    else
        r = strv_push_all(argv, "-o", "kubevirt", "-os", pod->vm_dir, "-on", plan->output_name, NULL);
    return r < 0 ? r : output_append_format(in, plan, argv);
}

/* DATA/vm/NAME-sdX, the file -o kubevirt writes for disk `index`. */
static char *engine_disk(const struct pod *pod, size_t index)
{
    char letters[8], *path;
    kube_drive_letters(index, letters);
    return asprintf(&path, "%s/%s-sd%s", pod->vm_dir, pod->name, letters) < 0 ? NULL : path;
}

/* -o kubevirt writes NAME-sdX beside the metadata; where DATA/vm/diskN
 * exists (a PVC, or a block device the entrypoint linked there), the
 * engine writes through a link straight into diskN/disk.img. */
static void link_disks(struct pod *pod)
{
    for (size_t i = 0;; i++) {
        _cleanup_free_ char *dir = NULL, *link = engine_disk(pod, i), *target = NULL;
        struct stat st;
        if (!link || asprintf(&dir, "%s/disk%zu", pod->vm_dir, i + 1) < 0
            || asprintf(&target, "disk%zu/disk.img", i + 1) < 0 || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
            return;
        if (unlink(link) < 0 && errno != ENOENT)
            log_warning("Cannot remove the old %s: %s", link, strerror(errno));
        if (symlink(target, link) < 0) {
            log_warning("Cannot link %s to %s: %s", link, target, strerror(errno));
            return;
        }
        pod->n_links = i + 1;
    }
}

/* After the engine: our links go; disks written beside them move into
 * diskN/disk.img (or are linked there when that is another file system). */
static void place_disks(const struct pod *pod, bool failed)
{
    for (size_t i = 0;; i++) {
        _cleanup_free_ char *disk = engine_disk(pod, i), *dir = NULL, *dest = NULL;
        struct stat st;
        if (!disk || lstat(disk, &st) < 0)
            return;
        if (asprintf(&dir, "%s/disk%zu", pod->vm_dir, i + 1) < 0 || asprintf(&dest, "%s/disk.img", dir) < 0)
            return;
        if (S_ISLNK(st.st_mode) && i < pod->n_links) {
            unlink(disk);
            if (!failed)
                log_info("Disk %zu is at %s", i + 1, dest);
            continue;
        }
        if (failed || !S_ISREG(st.st_mode))
            continue;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
            log_warning("Cannot create %s: %s", dir, strerror(errno));
        if (rename(disk, dest) == 0) {
            log_info("Disk %zu is at %s", i + 1, dest);
        } else if (errno == EXDEV && symlink(disk, dest) == 0) {
            log_warning("Disk %zu stays at %s (another file system), linked from %s", i + 1, disk, dest);
        } else {
            log_error("Cannot place disk %zu at %s: %s", i + 1, dest, strerror(errno));
        }
    }
}

/* Never fails: without the API the conversion goes on, unannotated. */
static int kubevirt_preflight(const struct output_input *in, struct output_plan *plan,
                              const struct output_host *host, char **unused)
{
    struct pod *pod = plan->priv;
    struct kube_config cfg;
    _cleanup_free_ char *error = NULL;
    if (pod->mode == KUBE_ENGINE_KUBEVIRT)
        link_disks(pod);
    int r = kube_config_in_cluster(&cfg, &error);
    if (r < 0) {
        log_warning("No Kubernetes API: %s; the pod gets no annotations", error ? error : strerror(-r));
        return 0;
    }
    r = kube_annotations_new(host->event, &cfg, &pod->annotations);
    kube_config_free(&cfg);
    if (r < 0)
        log_warning("Cannot set up the Kubernetes API client: %s", strerror(-r));
    return 0;
}

static void kubevirt_progress(struct output_plan *plan, const struct output_progress *p)
{
    struct pod *pod = plan->priv;
    if (pod->annotations)
        kube_annotations_progress(pod->annotations, p->percent);
}

static char *read_text(const char *path, size_t max)
{
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    char *buf = f ? malloc(max + 1) : NULL;
    if (!buf)
        return NULL;
    size_t n = fread(buf, 1, max, f);
    buf[n] = '\0';
    if (n == max)
        log_warning("The metadata %s is longer than %zu bytes: cut there", path, max);
    return buf;
}

/* -o kubevirt: NAME.yaml; -o json: the one .json file the engine wrote. */
static char *metadata_path(const struct pod *pod)
{
    char *path = NULL;
    if (pod->mode == KUBE_ENGINE_KUBEVIRT)
        return asprintf(&path, "%s/%s.yaml", pod->vm_dir, pod->name) < 0 ? NULL : path;
    _cleanup_free_ char *pattern = NULL;
    glob_t g;
    if (asprintf(&pattern, "%s/*.json", pod->vm_dir) < 0 || glob(pattern, 0, NULL, &g) != 0)
        return NULL;
    if (g.gl_pathc != 1)
        log_warning("%zu .json files in %s: cannot tell which is the metadata", g.gl_pathc, pod->vm_dir);
    else
        path = strdup(g.gl_pathv[0]);
    globfree(&g);
    return path;
}

static const char *termination_log(void)
{
    return settings()->kube_termination_log;
}

static void write_termination_message(const char *msg)
{
    int fd = open(termination_log(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
    size_t len = strnlen(msg, KUBE_TERMINATION_MAX);
    if (fd < 0 || write(fd, msg, len) != (ssize_t)len)
        log_warning("Cannot write the termination message %s: %s", termination_log(), strerror(errno));
    if (fd >= 0)
        close(fd);
}

static void on_annotations_done(void *userdata)
{
    struct pod *pod = userdata;
    pod->done(pod->done_userdata, 0);
}

static int on_defer(sd_event_source *s, void *userdata)
{
    struct pod *pod = userdata;
    pod->defer = sd_event_source_disable_unref(pod->defer);
    pod->done(pod->done_userdata, 0);
    return 0;
}

/* The end, either way: disks in place, the final annotations (after any
 * progress in flight), on failure the termination message. */
static int pod_end(struct output_plan *plan, const struct output_host *host, bool failed,
                   output_done_fn done, void *userdata)
{
    struct pod *pod = plan->priv;
    _cleanup_free_ char *path = NULL, *metadata = NULL;
    const char *last = host->last_message ? host->last_message(host->userdata) : NULL;
    const char *error = last ? last : "the conversion failed";

    if (pod->mode == KUBE_ENGINE_KUBEVIRT)
        place_disks(pod, failed);
    if (failed) {
        write_termination_message(error);
    } else if (!(path = metadata_path(pod)) || !(metadata = read_text(path, KUBE_METADATA_MAX))) {
        log_error("Cannot read the conversion's metadata %s", path ? path : "(not found)");
    }
    pod->done = done;
    pod->done_userdata = userdata;
    if (!pod->annotations)
        return sd_event_add_defer(host->event, &pod->defer, on_defer, pod);
    struct kube_outcome o = {
        .failed = failed, .error = error, .metadata = metadata,
        .format = pod->mode == KUBE_ENGINE_JSON ? "json" : "kubevirt-yaml",
    };
    kube_annotations_finish(pod->annotations, &o, on_annotations_done, pod);
    return 0;
}

static int kubevirt_finish(const struct output_input *in, struct output_plan *plan,
                           const struct output_host *host, output_done_fn done, void *userdata)
{
    return pod_end(plan, host, false, done, userdata);
}

static int kubevirt_cleanup(const struct output_input *in, struct output_plan *plan,
                            const struct output_host *host, output_done_fn done, void *userdata)
{
    return pod_end(plan, host, true, done, userdata);
}

const struct output_ops output_kubevirt = {
    .id = OUTPUT_KUBEVIRT,
    .name = "kubevirt",
    .log_dir = "/tmp",
    .identity = IDENTITY_CALLER,
    .backend_direct = true,
    .engine_log_to_stdout = true,
    .needs_capabilities = true,
    .prepare = kubevirt_prepare,
    .append_args = kubevirt_append_args,
    .preflight = kubevirt_preflight,
    .progress = kubevirt_progress,
    .finish = kubevirt_finish,
    .cleanup = kubevirt_cleanup,
    .priv_free = pod_free,
};
