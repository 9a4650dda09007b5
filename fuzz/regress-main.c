/* Corpus regression driver: a main() for a libFuzzer target built with the
 * normal compiler. Feeds every regular file of each directory given to
 * LLVMFuzzerTestOneInput once; a crash or failed assertion fails the test.
 * Fails too when no input was found, so a lost corpus does not pass. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int read_all(int fd, size_t size, uint8_t **out, size_t *len)
{
    /* A private copy of exactly the file's bytes (no terminator), so
     * ASan/valgrind catch reads past the end as the fuzzer would. */
    _cleanup_free_ uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return -ENOMEM;
    size_t got = 0;
    while (got < size) {
        ssize_t k = read(fd, buf + got, size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? -errno : -EIO;
        got += (size_t)k;
    }
    *out = TAKE_PTR(buf);
    *len = got;
    return 0;
}

static int run_file(int dirfd, const char *name)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return 0;
    _cleanup_free_ uint8_t *data = NULL;
    size_t len = 0;
    int r = read_all(fd, (size_t)st.st_size, &data, &len);
    if (r < 0)
        return r;
    LLVMFuzzerTestOneInput(data, len);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    size_t total = 0;
    for (int i = 1; i < argc; i++) {
        _cleanup_closedir_ DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            int r = run_file(dirfd(d), de->d_name);
            if (r < 0) {
                fprintf(stderr, "%s/%s: %s\n", argv[i], de->d_name, strerror(-r));
                return 1;
            }
            total += (size_t)r;
        }
    }
    printf("%zu input(s) passed\n", total);
    return total > 0 ? 0 : 1;
}
