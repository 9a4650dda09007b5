list(APPEND WRAPPER_SOURCES
  outputs/output.c
  outputs/local.c
  outputs/libvirt.c
)
