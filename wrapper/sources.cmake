list(APPEND WRAPPER_SOURCES
  wrapper/log.c
  wrapper/strv.c
)
