/* Smoothed progress rates: a sample at least every second moves an
 * exponentially weighted mean of percent per second (half old, half new),
 * so one slow or fast second does not swing the ETA. Bytes per second and
 * ETAs follow from the percent rate and the disk sizes. */
#include <time.h>

#include "state/state.h"

#define RATE_MIN_INTERVAL_USEC 1000000

static uint64_t monotonic_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t (*state_clock)(void) = monotonic_usec;

void state_rate_sample(struct state_rate *r, uint64_t now, double value)
{
    if (r->sample_usec == 0 || value < r->sample_value) {
        r->sample_usec = now;
        r->sample_value = value;
        return;
    }
    if (now < r->sample_usec + RATE_MIN_INTERVAL_USEC)
        return;
    double inst = (value - r->sample_value) * 1e6 / (double)(now - r->sample_usec);
    r->per_sec = r->per_sec > 0 ? 0.5 * r->per_sec + 0.5 * inst : inst;
    r->sample_usec = now;
    r->sample_value = value;
}

int64_t state_rate_eta(const struct state_rate *r, double value)
{
    if (value >= 100)
        return 0;
    if (r->per_sec <= 0)
        return -1;
    return (int64_t)((100 - value) / r->per_sec + 0.5);
}

uint64_t state_disk_bytes_copied(const struct state_disk *d)
{
    return (uint64_t)((double)d->bytes_total * d->progress / 100.0);
}

double state_disk_rate_bps(const struct state_disk *d)
{
    return d->bytes_total && d->rate.per_sec > 0 ? d->rate.per_sec * (double)d->bytes_total / 100.0 : -1;
}

int64_t state_disk_eta_seconds(const struct state_disk *d)
{
    return state_rate_eta(&d->rate, d->progress);
}

uint64_t state_bytes_total(const struct conversion_state *s)
{
    uint64_t t = 0;
    for (size_t i = 0; i < s->n_disks; i++)
        t += s->disks[i].bytes_total;
    return t;
}

uint64_t state_bytes_copied(const struct conversion_state *s)
{
    uint64_t t = 0;
    for (size_t i = 0; i < s->n_disks; i++)
        t += state_disk_bytes_copied(&s->disks[i]);
    return t;
}

double state_rate_bps(const struct conversion_state *s)
{
    return state_sizes_known(s) && s->rate.per_sec > 0 ? s->rate.per_sec * (double)state_bytes_total(s) / 100.0 : -1;
}

int64_t state_eta_seconds(const struct conversion_state *s)
{
    return state_rate_eta(&s->rate, state_overall_progress(s));
}
