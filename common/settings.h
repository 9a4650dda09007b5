/* SPDX-License-Identifier: Apache-2.0 */
/* The wrapper's own environment knobs (every V2VW_* variable), read once
 * into one struct. The README's environment table lists them all. None is
 * passed on to the engine. */
#ifndef V2VW_SETTINGS_H
#define V2VW_SETTINGS_H

#include <stdbool.h>

struct settings {
    const char *engine;             /* V2VW_ENGINE: the engine's path (/usr/bin/virt-v2v) */
    const char *state_dir;          /* V2VW_STATE_DIR: state and throttling files; NULL = the run directory */
    const char *run_root;           /* V2VW_RUN_DIR: the private run directories; NULL = the default */
    const char *log_dir;            /* V2VW_LOG_DIR: the logs; NULL = the output's directory */
    bool no_systemd;                /* V2VW_NO_SYSTEMD=1: never use the systemd runner */
    unsigned kill_grace_sec;        /* V2VW_KILL_GRACE_SECONDS: SIGTERM -> SIGKILL (30) */
    long final_write_sec;           /* V2VW_FINAL_WRITE_SECONDS: retry a full state dir (300) */
    const char *throttle_ifaces;    /* V2VW_THROTTLE_IFACES: a,b to shape; NULL = every up one */
    const char *throttle_rundir;    /* V2VW_THROTTLE_RUNDIR: the throttle registry (/run/virt-v2v-wrapper) */
    const char *rhev_mnt;           /* V2VW_RHEV_MNT: where VDSM mounts domains (/rhev/data-center/mnt) */
    long ovirt_timeout_ms;          /* V2VW_OVIRT_TIMEOUT (s): one REST call; 0 = the client's default */
    long ovirt_cleanup_timeout_ms;  /* V2VW_OVIRT_CLEANUP_TIMEOUT (s): failed-upload cleanup; -1 = default */
    long ovirt_poll_ms;             /* V2VW_OVIRT_POLL_INTERVAL (s): cleanup polling; -1 = default */
    long osp_timeout_ms;            /* V2VW_OSP_TIMEOUT (s): one OpenStack REST call; -1 = default */
    long osp_volume_timeout_ms;     /* V2VW_OSP_VOLUME_TIMEOUT (s): a volume becomes available; -1 = default */
    long osp_server_timeout_ms;     /* V2VW_OSP_SERVER_TIMEOUT (s): the server becomes ACTIVE; -1 = default */
    long osp_cleanup_timeout_ms;    /* V2VW_OSP_CLEANUP_TIMEOUT (s): the OpenStack cleanup; -1 = default */
    long osp_poll_ms;               /* V2VW_OSP_POLL_INTERVAL (s): OpenStack polling; -1 = default */
    long osp_retry_ms;              /* V2VW_OSP_RETRY_DELAY (s): first back-off of a retried call; -1 = default */
    const char *rpm;                /* V2VW_RPM: rpm for --check-rhv-version (rpm) */
    const char *dpkg_query;         /* V2VW_DPKG_QUERY: dpkg-query for the same (dpkg-query) */
    const char *index_dir;          /* V2VW_INDEX_DIR: the conversion index; NULL = the default */
    unsigned stall_sec;             /* V2VW_STALL_SECONDS: default stall_seconds (600) */
    const char *prometheus_dir;     /* V2VW_PROMETHEUS_DIR: a .prom file per conversion; NULL = none */
    int journal;                    /* V2VW_JOURNAL: 0 off, 1 on, -1 = when reachable */
    unsigned admin_timeout_sec;     /* V2VW_ADMIN_TIMEOUT: cancel/throttle wait (120) */
    /* Kubernetes pod mode (the paths are the pod layout's; tests move them) */
    const char *kube_data_dir;      /* V2VW_KUBE_DATA_DIR: the pod's data (/data) */
    const char *kube_sa_dir;        /* V2VW_KUBE_SERVICEACCOUNT_DIR: token, ca.crt, namespace */
    const char *kube_termination_log; /* V2VW_KUBE_TERMINATION_LOG: (/dev/termination-log) */
    long kube_timeout_ms;           /* V2VW_KUBE_TIMEOUT (s): one API request (15) */
    long kube_final_sec;            /* V2VW_KUBE_FINAL_SECONDS: retry the final annotations (120) */
    const char *test_fault;         /* V2VW_TEST_FAULT: a test-only fault point to act on; NULL = none */
};

/* The settings, read from the environment at the first call. */
const struct settings *settings(void);
/* The test-only fault point NAME is switched on (V2VW_TEST_FAULT=NAME), for
 * the failures no real condition can make happen in a test. */
bool settings_fault(const char *name);
/* Read the environment again (tests that change it in-process). */
void settings_reload(void);

#endif
