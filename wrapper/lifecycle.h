/* Running one conversion: the event loop from engine start to `finished`. */
#ifndef V2VW_LIFECYCLE_H
#define V2VW_LIFECYCLE_H

#include "wrapper/conversion.h"

/* Write the state file now (used for the first write, before stdout).
 * Negative errno. */
int conversion_write_state(struct conversion *c);
/* The node_exporter textfile (V2VW_PROMETHEUS_DIR), when configured. */
void conversion_write_prom(struct conversion *c);
/* Start the engine and follow it to the end. Returns 0 when the conversion
 * succeeded, 2 when it failed. */
int conversion_run(struct conversion *c);

#endif
