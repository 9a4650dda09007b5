/* Kubernetes pod output (`"daemonize": false` and no other output key):
 * virt-v2v -o json (1.x) or -o kubevirt (2.x) into /data/vm, the disks at
 * /data/vm/diskN/disk.img, progress and the result as annotations on the
 * pod, the error also in the termination message. One conversion per
 * process: the pod's run-time parts live in this file. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/kube_annotations.h"
#include "outputs/kube_name.h"
#include "outputs/kubevirt.h"
#include "outputs/output.h"
#include "wrapper/cleanup.h"
#include "wrapper/error.h"
#include "wrapper/log.h"

static struct pod {
    enum kube_engine_mode mode;
    char *vm_dir;                       /* DATA/vm */
    char *name;                         /* -on NAME (kubevirt mode) */
    size_t n_links;                     /* NAME-sdX -> diskN/disk.img made before the engine */
    struct kube_annotations *annotations;
} pod;

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
    const char *d = getenv("V2VW_KUBE_DATA_DIR");
    return d && *d ? d : KUBE_DATA_DIR;
}

static int kubevirt_prepare(struct conversion *c, char **error)
{
    struct stat st;

    free(pod.vm_dir);
    if (asprintf(&pod.vm_dir, "%s/vm", data_dir()) < 0)
        return -ENOMEM;
    if (stat(pod.vm_dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return error_set(error, -ENOTDIR, "\"daemonize\": false (Kubernetes pod mode): %s is not a directory",
                         pod.vm_dir);
    pod.mode = kube_engine_mode(c->capabilities);
    if (pod.mode == KUBE_ENGINE_NONE)
        return error_set(error, -EOPNOTSUPP, "\"daemonize\": false (Kubernetes pod mode): the engine has "
                         "neither output:json nor output:kubevirt");
    if (pod.mode == KUBE_ENGINE_KUBEVIRT) {
        free(c->output_name);
        if (!(c->output_name = kube_name_from_vm(c->cfg.vm_name)))
            return -ENOMEM;
    }
    return 0;
}

static int kubevirt_append_args(const struct conversion *c, struct strv *argv, char **error)
{
    int r;
    if (pod.mode == KUBE_ENGINE_JSON)
        r = strv_push_all(argv, "-o", "json", "-os", pod.vm_dir,
                          "-oo", "json-disks-pattern=disk%{DiskNo}/disk.img", NULL);
    else
        r = strv_push_all(argv, "-o", "kubevirt", "-os", pod.vm_dir, "-on", c->output_name, NULL);
    return r < 0 ? r : output_append_format(c, argv);
}

/* DATA/vm/NAME-sdX, the file -o kubevirt writes for disk `index`. */
static char *engine_disk(size_t index)
{
    char letters[8], *path;
    kube_drive_letters(index, letters);
    return asprintf(&path, "%s/%s-sd%s", pod.vm_dir, pod.name, letters) < 0 ? NULL : path;
}

/* -o kubevirt writes NAME-sdX beside the metadata; where DATA/vm/diskN
 * exists (a PVC, or a block device the entrypoint linked there), the
 * engine writes through a link straight into diskN/disk.img. */
static void link_disks(void)
{
    for (size_t i = 0;; i++) {
        _cleanup_free_ char *dir = NULL, *link = engine_disk(i), *target = NULL;
        struct stat st;
        if (!link || asprintf(&dir, "%s/disk%zu", pod.vm_dir, i + 1) < 0
            || asprintf(&target, "disk%zu/disk.img", i + 1) < 0 || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
            return;
        if (unlink(link) < 0 && errno != ENOENT)
            log_warning("Cannot remove the old %s: %s", link, strerror(errno));
        if (symlink(target, link) < 0) {
            log_warning("Cannot link %s to %s: %s", link, target, strerror(errno));
            return;
        }
        pod.n_links = i + 1;
    }
}

/* After the engine: our links go; disks written beside them move into
 * diskN/disk.img (or are linked there when that is another file system). */
static void place_disks(bool failed)
{
    for (size_t i = 0;; i++) {
        _cleanup_free_ char *disk = engine_disk(i), *dir = NULL, *dest = NULL;
        struct stat st;
        if (!disk || lstat(disk, &st) < 0)
            return;
        if (asprintf(&dir, "%s/disk%zu", pod.vm_dir, i + 1) < 0 || asprintf(&dest, "%s/disk.img", dir) < 0)
            return;
        if (S_ISLNK(st.st_mode) && i < pod.n_links) {
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

static int kubevirt_start(struct conversion *c, sd_event *event)
{
    struct kube_config cfg;
    _cleanup_free_ char *error = NULL;

    pod.name = c->output_name;
    if (pod.name)
        state_set_output_name(&c->state, pod.name);
    if (pod.mode == KUBE_ENGINE_KUBEVIRT)
        link_disks();
    int r = kube_config_in_cluster(&cfg, &error);
    if (r < 0) {
        log_warning("No Kubernetes API: %s; the pod gets no annotations", error ? error : strerror(-r));
        return 0;
    }
    r = kube_annotations_new(event, &cfg, &pod.annotations);
    kube_config_free(&cfg);
    if (r < 0)
        log_warning("Cannot set up the Kubernetes API client: %s", strerror(-r));
    return 0;
}

static void kubevirt_progress(struct conversion *c, double percent)
{
    if (pod.annotations)
        kube_annotations_progress(pod.annotations, percent);
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
static char *metadata_path(void)
{
    char *path = NULL;
    if (pod.mode == KUBE_ENGINE_KUBEVIRT)
        return asprintf(&path, "%s/%s.yaml", pod.vm_dir, pod.name) < 0 ? NULL : path;
    _cleanup_free_ char *pattern = NULL;
    glob_t g;
    if (asprintf(&pattern, "%s/*.json", pod.vm_dir) < 0 || glob(pattern, 0, NULL, &g) != 0)
        return NULL;
    if (g.gl_pathc != 1)
        log_warning("%zu .json files in %s: cannot tell which is the metadata", g.gl_pathc, pod.vm_dir);
    else
        path = strdup(g.gl_pathv[0]);
    globfree(&g);
    return path;
}

static const char *termination_log(void)
{
    const char *p = getenv("V2VW_KUBE_TERMINATION_LOG");
    return p && *p ? p : KUBE_TERMINATION_LOG;
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

static void kubevirt_finish_async(struct conversion *c, bool failed, void (*done)(void *), void *userdata)
{
    _cleanup_free_ char *path = NULL, *metadata = NULL;
    const char *error = c->state.last_message ? c->state.last_message : "the conversion failed";

    if (pod.mode == KUBE_ENGINE_KUBEVIRT)
        place_disks(failed);
    if (failed) {
        write_termination_message(error);
    } else if (!(path = metadata_path()) || !(metadata = read_text(path, KUBE_METADATA_MAX))) {
        log_error("Cannot read the conversion's metadata %s", path ? path : "(not found)");
    }
    if (!pod.annotations) {
        done(userdata);
        return;
    }
    struct kube_outcome o = {
        .failed = failed, .error = error, .metadata = metadata,
        .format = pod.mode == KUBE_ENGINE_JSON ? "json" : "kubevirt-yaml",
    };
    kube_annotations_finish(pod.annotations, &o, done, userdata);
}

static void kubevirt_stop(struct conversion *c)
{
    kube_annotations_free(pod.annotations);
    free(pod.vm_dir);
    pod = (struct pod){ 0 };
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
    .start = kubevirt_start,
    .progress = kubevirt_progress,
    .finish_async = kubevirt_finish_async,
    .stop = kubevirt_stop,
};
