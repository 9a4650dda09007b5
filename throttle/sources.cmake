# SPDX-License-Identifier: Apache-2.0
# Sources of throttle/: cgroup CPU limits, tc network shaping, the throttling file.
list(APPEND V2VW_THROTTLE_SOURCES
  throttle/alloc.c
  throttle/bpf_prog.c
  throttle/cgroup.c
  throttle/check.c
  throttle/leftovers.c
  throttle/netlink_lib.c
  throttle/tc.c
  throttle/throttle.c
  throttle/throttle_request.c
  throttle/throttle_watch.c
)
