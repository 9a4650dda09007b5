/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the throttling file parser (throttle_request_parse). Invariants: an
 * error is one sentence; a valid request has a positive CPU percent and
 * network rate whenever they are limited, and its texts are well formed. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "throttle/throttle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct throttle_request req;
    char *error = NULL;
    char cpu[64], net[64];

    memset(&req, 0, sizeof req);
    int r = throttle_request_parse((const char *)data, size, &req, &error);
    if (r < 0) {
        assert(error != NULL && error[0] != '\0');
        assert(strchr(error, '\n') == NULL);
        free(error);
        return 0;
    }
    assert(error == NULL);
    if (req.cpu_present && !req.cpu_unlimited)
        assert(req.cpu_percent > 0);
    if (req.network_present && !req.network_unlimited)
        assert(req.network_bps > 0);
    throttle_cpu_text(&req, cpu, sizeof cpu);
    throttle_network_text(&req, net, sizeof net);
    assert(memchr(cpu, '\0', sizeof cpu) && memchr(net, '\0', sizeof net));
    return 0;
}
