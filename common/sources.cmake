# Sources of common/: the utility floor every room may use.
list(APPEND V2VW_COMMON_SOURCES
  common/error.c
  common/io.c
  common/log.c
  common/secret.c
  common/strv.c
  common/utf8.c
)
