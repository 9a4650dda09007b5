# Sources of luks/: the LUKS keys vault.
list(APPEND V2VW_LUKS_SOURCES
  luks/vault.c
)
