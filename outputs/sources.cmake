# Sources of outputs/ (append to WRAPPER_SOURCES)
list(APPEND WRAPPER_SOURCES
  outputs/ovirt_api.c
  outputs/rhv_upload.c
  outputs/export_domain.c
  outputs/virtio_win.c
  outputs/rhv_checks.c
  outputs/rpmvercmp.c
)
