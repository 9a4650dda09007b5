/* SPDX-License-Identifier: Apache-2.0 */
/* v2v log records (ENGINE-OUTPUT.md): stage lines, copy progress of
 * nbdcopy (2.x) and qemu-img (1.x), the source path of the disk being
 * copied (vddk, ssh), rhv-upload disk ids and VM id, the engine's error.
 *
 * Records are matched by their first byte before anything else; no regex,
 * no allocation except for the rare lines that carry a path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "state/engine_parser-internal.h"

#define LIT(s) (s), (sizeof(s) - 1)

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool has_prefix(const char *r, size_t n, const char *prefix, size_t plen)
{
    return n >= plen && memcmp(r, prefix, plen) == 0;
}

/* Parse up to `max` digits at r[*i]; false when there is none. */
static bool parse_uint(const char *r, size_t n, size_t *i, size_t max, size_t *out)
{
    size_t start = *i, v = 0;
    while (*i < n && is_digit(r[*i]) && *i - start < max) {
        v = v * 10 + (size_t)(r[*i] - '0');
        (*i)++;
    }
    *out = v;
    return *i > start;
}

/* ---- copy state ---------------------------------------------------- */

static void set_progress(struct engine_parser *p, double v)
{
    if (p->current == 0)
        return;                    /* no "Copying disk" yet */
    state_set_disk_progress(p->state, p->cur_index, v);
}

/* The engine named the source of the disk it copies now. */
static void map_current(struct engine_parser *p, const char *path, size_t len)
{
    if (p->current == 0 || len == 0)
        return;
    p->cur_index = state_map_disk_path(p->state, p->current - 1, path, len);
    p->copy_entry[p->current - 1] = p->cur_index + 1;
    p->cur_path_known = true;
}

/* "Copying disk N/M" (2.x) or "Copying disk N/M to PATH (FMT)" (1.x),
 * after the "Copying disk " prefix. */
static void copying_disk(struct engine_parser *p, const char *r, size_t n)
{
    size_t i = 0, num, count;
    if (!parse_uint(r, n, &i, 7, &num) || i >= n || r[i] != '/')
        return;
    i++;
    if (!parse_uint(r, n, &i, 7, &count) || (i < n && r[i] != ' '))
        return;
    if (num == 0 || num > STATE_MAX_DISKS || count == 0 || count > STATE_MAX_DISKS)
        return;

    struct conversion_state *s = p->state;
    state_set_disk_count(s, (int)count);
    /* The engine moved on: every disk copied before this one is done. */
    for (size_t k = 0; k + 1 < num; k++) {
        size_t e = p->copy_entry[k] ? p->copy_entry[k] - 1 : k;
        if (e < s->n_disks && s->disks[e].progress < 100)
            state_set_disk_progress(s, e, 100);
    }
    for (size_t k = 0; k < count; k++)
        if (p->disk_size[k])
            state_set_disk_size(s, k, p->disk_size[k]);
    p->current = num;
    p->cur_index = num - 1;
    p->copy_entry[num - 1] = 0;
    p->cur_path_known = false;
    if (num - 1 < p->n_reported)
        map_current(p, p->reported[num - 1], p->reported_len[num - 1]);
}

/* ---- disk sizes ---------------------------------------------------- */

/* Disk `index` (copy number - 1) has `bytes`: remember, and tell the
 * state once its entry exists. */
static void disk_size(struct engine_parser *p, size_t index, uint64_t bytes)
{
    if (index >= STATE_MAX_DISKS || bytes == 0)
        return;
    p->disk_size[index] = bytes;
    state_set_disk_size(p->state, index, bytes);
}

static bool parse_u64(const char *r, size_t n, size_t *i, uint64_t *out)
{
    size_t start = *i;
    uint64_t v = 0;
    while (*i < n && is_digit(r[*i]) && *i - start < 19) {
        v = v * 10 + (uint64_t)(r[*i] - '0');
        (*i)++;
    }
    *out = v;
    return *i > start && (*i == n || !is_digit(r[*i]));
}

/* "libnbd: debug: nbdK: nbd_connect_unix: enter: unixsocket=\".../inI\""
 * and "libnbd: debug: nbdK: nbd_get_size: leave: ret=SIZE". */
static bool libnbd_line(struct engine_parser *p, const char *r, size_t n)
{
    size_t i = 18, k;
    if (!has_prefix(r, n, LIT("libnbd: debug: nbd")))
        return false;
    if (!parse_uint(r, n, &i, 6, &k) || k >= ENGINE_NBD_HANDLES || !has_prefix(r + i, n - i, LIT(": nbd_")))
        return true;
    i += 6;
    if (has_prefix(r + i, n - i, LIT("connect_unix: enter: unixsocket=\""))) {
        size_t end = n;
        if (end > 0 && r[end - 1] == '"')
            end--;
        size_t d = end;
        while (d > i && is_digit(r[d - 1]))
            d--;
        size_t disk;
        if (d < end && d >= 3 && memcmp(r + d - 3, "/in", 3) == 0 && parse_uint(r, end, &d, 7, &disk))
            p->nbd_handle_disk[k] = disk + 1;
    } else if (has_prefix(r + i, n - i, LIT("get_size: leave: ret="))) {
        uint64_t bytes;
        i += 21;
        if (p->nbd_handle_disk[k] && parse_u64(r, n, &i, &bytes))
            disk_size(p, p->nbd_handle_disk[k] - 1, bytes);
    }
    return true;
}

/* The copy's source nbdkit: "nbdkit: ...: debug: cow: underlying file
 * size: SIZE", the first after "Copying disk N/M" when N's size is not
 * known otherwise. */
static bool nbdkit_size_line(struct engine_parser *p, const char *r, size_t n)
{
    static const char needle[] = "underlying file size: ";
    if (p->current == 0 || p->disk_size[p->current - 1] || !has_prefix(r, n, LIT("nbdkit: ")))
        return false;
    const char *f = memmem(r, n, LIT(needle));
    if (!f)
        return false;
    size_t i = (size_t)(f - r) + sizeof needle - 1;
    uint64_t bytes;
    if (parse_u64(r, n, &i, &bytes))
        disk_size(p, p->current - 1, bytes);
    return true;
}

/* "[  43.3] Text": elapsed seconds with one decimal, then the stage. */
static bool stage_line(struct engine_parser *p, const char *r, size_t n)
{
    size_t i = 1, secs;
    while (i < n && r[i] == ' ')
        i++;
    if (!parse_uint(r, n, &i, 12, &secs))
        return false;
    if (i + 4 > n || r[i] != '.' || !is_digit(r[i + 1]) || r[i + 2] != ']' || r[i + 3] != ' ')
        return false;
    const char *text = r + i + 4;
    size_t tlen = n - i - 4;
    while (tlen > 0 && (text[tlen - 1] == ' ' || text[tlen - 1] == '\t'))
        tlen--;
    if (has_prefix(text, tlen, LIT("Copying disk ")))
        copying_disk(p, text + 13, tlen - 13);
    state_set_status(p->state, text, tlen);
    return true;
}

/* Bytes of the UTF-8 code point at r that is not an ASCII digit, 0 if
 * there is none. */
static size_t glyph_len(const char *r, size_t n)
{
    if ((unsigned char)r[0] < 0x80)
        return is_digit(r[0]) ? 0 : 1;
    return utf8_char_len(r, n);
}

/* nbdcopy --progress: "▐  25% [****------]" at the start of a record. */
static bool nbdcopy_progress(struct engine_parser *p, const char *r, size_t n)
{
    size_t i = glyph_len(r, n), pct;
    if (i == 0)
        return false;
    size_t spaces = i;
    while (i < n && r[i] == ' ' && i - spaces < 8)
        i++;
    if (!parse_uint(r, n, &i, 3, &pct))
        return false;
    if (n - i < 3 || r[i] != '%' || r[i + 1] != ' ' || r[i + 2] != '[')
        return false;
    set_progress(p, (double)pct);
    return true;
}

/* qemu-img convert -p: "    (10.42/100%)". */
static bool qemu_img_progress(struct engine_parser *p, const char *r, size_t n)
{
    size_t i = 0, whole, frac = 0;
    while (i < n && (r[i] == ' ' || r[i] == '\t'))
        i++;
    if (i == 0 || i >= n || r[i] != '(')
        return false;
    i++;
    if (!parse_uint(r, n, &i, 3, &whole))
        return false;
    double v = (double)whole;
    if (i < n && r[i] == '.') {
        size_t start = ++i;
        if (!parse_uint(r, n, &i, 6, &frac))
            return false;
        double scale = 1;
        for (size_t k = start; k < i; k++)
            scale *= 10;
        v += (double)frac / scale;
    }
    if (!has_prefix(r + i, n - i, LIT("/100%)")))
        return false;
    set_progress(p, v);
    return true;
}

/* ---- accelerator --------------------------------------------------- */

/* libguestfs's appliance command line: "    -machine accel=tcg,graphics=off \"
 * (forced or no KVM: tcg), "accel=kvm:tcg" (KVM with silent fallback:
 * decided by the appliance kernel's lines below). */
static bool machine_accel(struct engine_parser *p, const char *r, size_t n)
{
    static const char needle[] = "-machine accel=";
    if (p->state->accel_final || n < 20)
        return false;
    const char *f = memmem(r, n < 64 ? n : 64, LIT(needle));
    if (!f)
        return false;
    const char *a = f + sizeof needle - 1, *end = r + n;
    size_t alen = 0;
    while (a + alen < end && a[alen] != ',' && a[alen] != ' ')
        alen++;
    if (alen >= 3 && memcmp(a, "tcg", 3) == 0)
        state_set_accel(p->state, "tcg", true);
    else if (alen == 3 && memcmp(a, "kvm", 3) == 0)
        state_set_accel(p->state, "kvm", true);
    else if (alen >= 3 && memcmp(a, "kvm", 3) == 0)
        state_set_accel(p->state, "kvm", false);
    return true;
}

/* The appliance kernel says what it runs on: "[    0.000000] Hypervisor
 * detected: KVM" or "smpboot: CPU0: ... QEMU TCG CPU ...". */
static void kernel_accel(struct engine_parser *p, const char *r, size_t n)
{
    if (p->state->accel_final || !p->state->accel)
        return;
    if (memmem(r, n, LIT("Hypervisor detected: KVM")))
        state_set_accel(p->state, "kvm", true);
    else if (memmem(r, n, LIT("QEMU TCG CPU")))
        state_set_accel(p->state, "tcg", true);
}

/* ---- source paths -------------------------------------------------- */

/* /vmfs/volumes/DS/VM/DISK(-flat).vmdk -> "[DS] VM/DISK.vmdk" in out
 * (cap bytes); returns the length, or 0 when path is not of that form. */
static size_t vmfs_to_datastore(const char *path, size_t len, char *out, size_t cap)
{
    static const char prefix[] = "/vmfs/volumes/";
    if (!has_prefix(path, len, LIT(prefix)))
        return 0;
    const char *ds = path + sizeof prefix - 1, *end = path + len;
    const char *ds_end = memchr(ds, '/', (size_t)(end - ds));
    if (!ds_end)
        return 0;
    const char *vm = ds_end + 1;
    const char *vm_end = memchr(vm, '/', (size_t)(end - vm));
    if (!vm_end)
        return 0;
    const char *disk = vm_end + 1;
    size_t dlen = (size_t)(end - disk);
    if (dlen < 5 || memcmp(end - 5, ".vmdk", 5) != 0)
        return 0;
    dlen -= 5;
    if (dlen >= 5 && memcmp(disk + dlen - 5, "-flat", 5) == 0)
        dlen -= 5;
    size_t dslen = (size_t)(ds_end - ds), vmlen = (size_t)(vm_end - vm);
    size_t total = 1 + dslen + 2 + vmlen + 1 + dlen + 5;
    if (total > cap)
        return 0;
    char *o = out;
    *o++ = '[';
    memcpy(o, ds, dslen), o += dslen;
    *o++ = ']', *o++ = ' ';
    memcpy(o, vm, vmlen), o += vmlen;
    *o++ = '/';
    memcpy(o, disk, dlen), o += dlen;
    memcpy(o, ".vmdk", 5);
    return total;
}

/* ssh input: the engine listed a source disk (in disk order). */
static void reported_source(struct engine_parser *p, const char *path, size_t len)
{
    char buf[1024];
    size_t rlen = vmfs_to_datastore(path, len, buf, sizeof buf);
    if (rlen) {
        path = buf;
        len = rlen;
    }
    if (len == 0)
        return;
    for (size_t i = 0; i < p->n_reported; i++)
        if (p->reported_len[i] == len && memcmp(p->reported[i], path, len) == 0)
            return;                /* the same disk again */
    if (p->n_reported >= STATE_MAX_DISKS)
        return;
    char *copy = malloc(len);
    char **r = realloc(p->reported, (p->n_reported + 1) * sizeof *r);
    if (r)
        p->reported = r;
    size_t *rl = realloc(p->reported_len, (p->n_reported + 1) * sizeof *rl);
    if (rl)
        p->reported_len = rl;
    if (!copy || !r || !rl) {
        free(copy);
        return;
    }
    memcpy(copy, path, len);
    p->reported[p->n_reported] = copy;
    p->reported_len[p->n_reported++] = len;
    if (p->current > 0 && !p->cur_path_known)
        map_current(p, copy, len);
}

/* Find needle in r[from..n); offset or SIZE_MAX. */
static size_t find(const char *r, size_t n, size_t from, const char *needle, size_t nlen)
{
    if (from > n)
        return SIZE_MAX;
    const char *f = memmem(r + from, n - from, needle, nlen);
    return f ? (size_t)(f - r) : SIZE_MAX;
}

/* `  overlay source qemu URI: json:{ ... "file.path": "/vmfs/..." ... }` */
static bool overlay_uri(struct engine_parser *p, const char *r, size_t n)
{
    size_t i = 0;
    while (i < n && r[i] == ' ')
        i++;
    if (!has_prefix(r + i, n - i, LIT("overlay source qemu URI: json:")))
        return false;
    size_t k = find(r, n, i, LIT("\"file.path\":"));
    if (k == SIZE_MAX)
        return true;
    k += 12;
    if (k < n && r[k] == ' ')
        k++;
    if (k >= n || r[k] != '"')
        return true;
    const char *path = r + k + 1;
    const char *q = memchr(path, '"', n - k - 1);
    if (q)
        reported_source(p, path, (size_t)(q - path));
    return true;
}

/* `libguestfs: parse_json: qemu-img info JSON output: ...
 *  "backing-filename": "json:{... \"file.path\": \"/vmfs/...\" ...}"` */
static bool qemu_img_info(struct engine_parser *p, const char *r, size_t n)
{
    if (!has_prefix(r, n, LIT("libguestfs: parse_json: qemu-img info JSON output:")))
        return false;
    size_t k = find(r, n, 0, LIT("\"backing-filename\""));
    if (k == SIZE_MAX)
        return true;
    k = find(r, n, k, LIT("\\\"file.path\\\":"));
    if (k == SIZE_MAX)
        return true;
    k += 14;
    if (k < n && r[k] == ' ')
        k++;
    if (!has_prefix(r + k, n - k, LIT("\\\"")))
        return true;
    k += 2;
    const char *q = memchr(r + k, '"', n - k);
    if (!q || q == r + k || q[-1] != '\\')
        return true;
    reported_source(p, r + k, (size_t)(q - 1 - (r + k)));
    return true;
}

/* vddk: "... Opening file [DS] VM/DISK.vmdk (ha-nfcssl://[DS] VM/DISK.vmdk@HOST:902)".
 * `at` is the offset of '['. The path ends at a " (": the last one whose
 * parenthesis repeats the path (the URL does), else the first. */
static void opening_file(struct engine_parser *p, const char *r, size_t n, size_t at)
{
    size_t first = SIZE_MAX, best = SIZE_MAX, tries = 0;
    for (size_t k = find(r, n, at, LIT(" ("));
         k != SIZE_MAX && tries++ < 16;        /* bounded work per record */
         k = find(r, n, k + 1, LIT(" ("))) {
        if (first == SIZE_MAX)
            first = k;
        if (find(r, n, k + 2, r + at, k - at) != SIZE_MAX)
            best = k;
    }
    size_t stop = best != SIZE_MAX ? best : first != SIZE_MAX ? first : n;
    map_current(p, r + at, stop - at);
}

static bool is_uuid_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
}

/* A quoted UUID at r[i] (quote char q already at r[i-1]); its length or 0. */
static size_t quoted_uuid(const char *r, size_t n, size_t i, char q)
{
    size_t k = i;
    while (k < n && is_uuid_char(r[k]))
        k++;
    return k > i && k < n && r[k] == q ? k - i : 0;
}

/* Lines that carry their match somewhere inside: found by a rare byte
 * (cached per input buffer, see scan_window), then checked around it. */
enum { PIVOT_BRACKET, PIVOT_QUOTE, PIVOT_ANGLE };

static void contained(struct engine_parser *p, const char *r, size_t n, struct scan_window *w)
{
    static const char opening[] = "Opening file ";
    static const char disk_id[] = "disk.id = ";
    static const char vsys[] = "<VirtualSystem ovf:id=";
    const char *end = r + n, *c;

    for (c = r; (c = window_find(w, PIVOT_BRACKET, '[', c, end)); c++)
        if ((size_t)(c - r) >= sizeof opening - 1 &&
            memcmp(c - (sizeof opening - 1), LIT(opening)) == 0) {
            opening_file(p, r, n, (size_t)(c - r));
            return;
        }
    for (c = r; (c = window_find(w, PIVOT_QUOTE, '\'', c, end)); c++)
        if ((size_t)(c - r) >= sizeof disk_id - 1 &&
            memcmp(c - (sizeof disk_id - 1), LIT(disk_id)) == 0) {
            size_t i = (size_t)(c - r) + 1, len = quoted_uuid(r, n, i, '\'');
            if (len)
                engine_emit(p, ENGINE_EVENT_DISK_ID, r + i, len);
            return;
        }
    for (c = r; (c = window_find(w, PIVOT_ANGLE, '<', c, end)); c++)
        if (has_prefix(c, (size_t)(end - c), LIT(vsys))) {
            size_t i = (size_t)(c - r) + sizeof vsys - 1;
            if (i < n && (r[i] == '\'' || r[i] == '"')) {
                size_t len = quoted_uuid(r, n, i + 1, r[i]);
                if (len) {
                    state_set_vm_id(p->state, r + i + 1, len);
                    engine_emit(p, ENGINE_EVENT_VM_ID, r + i + 1, len);
                }
            }
            return;
        }
}

/* `openstack ... volume show ... UUID` (1.x quotes every word): the
 * engine's volumes as it creates them, before any property marks them. */
static bool openstack_volume(struct engine_parser *p, const char *r, size_t n)
{
    if (!has_prefix(r, n, LIT("openstack ")))
        return false;
    size_t end = n;
    while (end > 0 && (r[end - 1] == '\'' || r[end - 1] == ' ' || r[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && is_uuid_char(r[start - 1]))
        start--;
    if (end - start != 36)
        return true;
    size_t v = find(r, start, 0, LIT("volume"));
    if (v == SIZE_MAX)
        return true;
    v += 6;
    while (v < start && (r[v] == '\'' || r[v] == ' '))
        v++;
    if (start - v >= 4 && memcmp(r + v, "show", 4) == 0)
        engine_emit(p, ENGINE_EVENT_OSP_VOLUME, r + start, end - start);
    return true;
}

/* ---- errors -------------------------------------------------------- */

static bool v2v_error(struct engine_parser *p, const char *r, size_t n)
{
    if (!has_prefix(r, n, LIT("virt-v2v: error: ")))
        return false;
    r += 17, n -= 17;
    if (n > STATE_MAX_MESSAGE)
        n = STATE_MAX_MESSAGE;
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return true;
    memcpy(copy, r, n);
    free(p->v2v_error);
    p->v2v_error = copy;
    p->v2v_error_len = n;
    engine_apply_v2v_error(p);
    return true;
}

void engine_apply_v2v_error(struct engine_parser *p)
{
    if (p->v2v_error && !p->mr_error_seen)
        state_set_last_message(p->state, p->v2v_error, p->v2v_error_len);
}

/* ---- dispatch ------------------------------------------------------ */

void engine_v2v_record(struct engine_parser *p, const char *r, size_t n, struct scan_window *w)
{
    if (engine_cause_record(p, r, n) || n == 0)
        return;
    switch (r[0]) {
    case '[':
        if (stage_line(p, r, n))
            return;
        kernel_accel(p, r, n);
        break;
    case ' ':
        if (qemu_img_progress(p, r, n) || overlay_uri(p, r, n) || machine_accel(p, r, n))
            return;
        break;
    case 'v':
        if (v2v_error(p, r, n))
            return;
        break;
    case 'l':
        if (libnbd_line(p, r, n) || qemu_img_info(p, r, n))
            return;
        break;
    case 'n':
        if (nbdkit_size_line(p, r, n))
            return;
        break;
    case 'o':
        if (openstack_volume(p, r, n))
            return;
        break;
    default:
        break;
    }
    if (nbdcopy_progress(p, r, n))
        return;
    contained(p, r, n, w);
}
