# Sources of luks/ (append to WRAPPER_SOURCES)
list(APPEND WRAPPER_SOURCES
  luks/vault.c
  luks/luks_secrets.c
)
