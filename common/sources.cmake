# SPDX-License-Identifier: Apache-2.0
# Sources of common/: the utility floor every room may use.
list(APPEND V2VW_COMMON_SOURCES
  common/dlib.c
  common/error.c
  common/io.c
  common/json.c
  common/log.c
  common/secret.c
  common/settings.c
  common/strv.c
  common/systemd_lib.c
  common/utf8.c
)
