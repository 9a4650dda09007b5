/* Throughput of the engine log parser on the virt-v2v 2.2 fixtures
 * concatenated to >= 1 GiB (generated on the fly, never held in memory),
 * and the cost of one state file write.
 *
 *   bench-parser [GIB] [STATE-DIR]      (TEST_DATA_DIR in the environment, default tests/data) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "state/engine_parser.h"
#include "state/state.h"
#include "common/cleanup.h"
#include "common/log.h"

#define BUF_SIZE (1024 * 1024)
#define CHUNK (64 * 1024)

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: steadier than wall time on a busy host. */
static double cpu_now(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

/* The three fixtures' v2v logs, one after the other (~600 KB). */
static char *load_corpus(const char *data, size_t *len)
{
    static const char *const names[] = { "single-disk", "two-disks", "no-os" };
    char *all = NULL;
    *len = 0;
    for (size_t i = 0; i < ELEMENTSOF(names); i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/virt-v2v-2.2/%s/v2v.log", data, names[i]);
        _cleanup_fclose_ FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "bench-parser: cannot open %s: %m\n", path);
            exit(1);
        }
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
            all = realloc(all, *len + n);
            if (!all)
                abort();
            memcpy(all + *len, buf, n);
            *len += n;
        }
    }
    return all;
}

static void bench_parser(const char *data, double gib)
{
    size_t corpus_len;
    _cleanup_free_ char *corpus = load_corpus(data, &corpus_len);
    _cleanup_free_ char *buf = malloc(BUF_SIZE);
    struct conversion_state s;
    static const char *const src[] = { "/srv/images/win2k22.img", "/srv/images/data.img" };
    state_init(&s, src, 2, true);
    struct engine_parser *p = engine_parser_new(&s);

    size_t target = (size_t)(gib * 1024 * 1024 * 1024), total = 0, pos = 0;
    double parse_time = 0, parse_cpu = 0;
    while (total < target) {
        /* Refill the 1 MiB window from the endless concatenation. */
        for (size_t off = 0; off < BUF_SIZE;) {
            size_t n = corpus_len - pos < BUF_SIZE - off ? corpus_len - pos : BUF_SIZE - off;
            memcpy(buf + off, corpus + pos, n);
            off += n;
            pos = (pos + n) % corpus_len;
        }
        double t0 = now(), c0 = cpu_now();
        for (size_t off = 0; off < BUF_SIZE; off += CHUNK)
            engine_parser_feed_v2v_log(p, buf + off, CHUNK);
        parse_time += now() - t0;
        parse_cpu += cpu_now() - c0;
        total += BUF_SIZE;
    }
    engine_parser_flush(p);

    double mb = (double)total / 1e6;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("parser: %.0f MB in %.3f s = %.0f MB/s (64 KiB chunks, %zu state generations)\n", mb,
           parse_time, mb / parse_time, (size_t)s.generation);
    printf("parser: %.0f MB in %.3f s CPU = %.0f MB/s per CPU second\n", mb, parse_cpu,
           mb / parse_cpu);
    printf("parser: peak RSS %ld KiB\n", ru.ru_maxrss);
    engine_parser_free(p);
    state_free(&s);
}

static void bench_write(const char *dir)
{
    struct conversion_state s;
    static const char *const src[] = { "[datastore1] vm/vm.vmdk", "[datastore1] vm/vm_1.vmdk" };
    state_init(&s, src, 2, true);
    state_set_started(&s, 1234);
    state_set_status(&s, "Copying disk 1/2", 16);
    char path[4096];
    snprintf(path, sizeof path, "%s/bench-parser-%d.state", dir, (int)getpid());

    enum { N = 2000 };
    double t0 = now(), c0 = cpu_now();
    for (int i = 0; i < N; i++) {
        state_set_disk_progress(&s, 0, i * 100.0 / N);
        _cleanup_json_ struct json_object *o = state_to_json(&s);
        if (!json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
            abort();
    }
    double ser = (now() - t0) / N * 1e6, ser_cpu = (cpu_now() - c0) / N * 1e6;

    state_free(&s);
    state_init(&s, src, 2, true);
    t0 = now();
    c0 = cpu_now();
    for (int i = 0; i < N; i++) {
        state_set_disk_progress(&s, 0, i * 100.0 / N);
        if (state_write_atomic(&s, path) < 0) {
            fprintf(stderr, "bench-parser: cannot write %s\n", path);
            exit(1);
        }
    }
    double wr = (now() - t0) / N * 1e6, wr_cpu = (cpu_now() - c0) / N * 1e6;
    unlink(path);
    printf("state: serialize %.1f us (%.1f us CPU), serialize + atomic write (fsync) %.1f us "
           "(%.1f us CPU) per write in %s\n", ser, ser_cpu, wr, wr_cpu, dir);
    state_free(&s);
}

int main(int argc, char **argv)
{
    const char *data = getenv("TEST_DATA_DIR");
    if (!data)
        data = TEST_DATA_DIR_DEFAULT;
    double gib = argc > 1 ? atof(argv[1]) : 1.0;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    log_open("/dev/null");
    bench_parser(data, gib > 0 ? gib : 1.0);
    bench_write(dir);
    return 0;
}
