/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the input document parser (config_parse). Invariants: an error is
 * one non-empty sentence and leaves nothing to free; success gives the
 * mandatory keys and values from the documented sets, and config_free
 * releases everything (ASan/valgrind check that). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wrapper/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct conversion_config cfg;
    char *error = NULL;

    memset(&cfg, 0, sizeof cfg);
    int r = config_parse((const char *)data, size, &cfg, &error);
    if (r < 0) {
        assert(error != NULL && error[0] != '\0');
        free(error);
        config_free(&cfg);
        return 0;
    }
    assert(error == NULL);
    assert(cfg.vm_name != NULL);
    assert(transport_name(cfg.transport) != NULL);
    assert(output_kind_name(cfg.output) != NULL);
    assert(cfg.output_format && (strcmp(cfg.output_format, "raw") == 0 ||
                                 strcmp(cfg.output_format, "qcow2") == 0));
    assert(!cfg.allocation || strcmp(cfg.allocation, "preallocated") == 0 ||
           strcmp(cfg.allocation, "sparse") == 0);
    if (cfg.transport == TRANSPORT_VDDK)
        assert(cfg.vmware_uri && cfg.vmware_password && cfg.vmware_fingerprint);
    assert((cfg.n_source_disks == 0) || cfg.source_disks);
    for (size_t i = 0; i < cfg.n_source_disks; i++)
        assert(cfg.source_disks[i] != NULL);
    for (size_t i = 0; i < cfg.n_network_mappings; i++)
        assert(cfg.network_mappings[i].source && cfg.network_mappings[i].destination);
    config_free(&cfg);
    return 0;
}
