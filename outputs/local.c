/* EXT: convert into a local directory (-o local -os DIR), for hosts without
 * oVirt and for the demo and tests. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "outputs/output.h"
#include "common/error.h"

static int local_prepare(const struct output_input *in, struct output_plan *plan, char **error)
{
    struct stat st;
    if (stat(in->local_storage, &st) < 0 || !S_ISDIR(st.st_mode)) {
        return error_set(error, -ENOTDIR, "\"local_storage\": %s is not a directory",
                                          in->local_storage);
    }
    return 0;
}

static int local_append_args(const struct output_input *in, const struct output_plan *plan,
                             struct strv *argv, char **error)
{
    int r = strv_push_all(argv, "-o", "local", "-os", in->local_storage, NULL);
    return r < 0 ? r : output_append_format(in, plan, argv);
}

const struct output_ops output_local = {
    .id = OUTPUT_LOCAL,
    .name = "local",
    .log_dir = "/tmp",
    .identity = IDENTITY_CALLER,
    .prepare = local_prepare,
    .append_args = local_append_args,
};
