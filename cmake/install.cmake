# What `make install` puts on a host, and the man page it needs built.
# DESTDIR is honoured by `cmake --install`; the prefix defaults to /usr
# because clients call /usr/bin/virt-v2v-wrapper.py.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

# The man page: POD -> pod2man (perl), offline.
find_program(POD2MAN pod2man)
if(NOT POD2MAN)
  message(FATAL_ERROR "pod2man not found: install the Debian package perl (or run scripts/install-deps)")
endif()
set(V2VW_MAN_SOURCE ${CMAKE_SOURCE_DIR}/docs/virt-v2v-wrapper.pod)
set(V2VW_MAN_PAGE ${CMAKE_BINARY_DIR}/virt-v2v-wrapper.1)
add_custom_command(OUTPUT ${V2VW_MAN_PAGE}
  COMMAND ${POD2MAN} --section=1 --center=Virtualization\ Support
          --release=virt-v2v-wrapper-${PROJECT_VERSION} --name=VIRT-V2V-WRAPPER
          --errors=stderr ${V2VW_MAN_SOURCE} ${V2VW_MAN_PAGE}
  DEPENDS ${V2VW_MAN_SOURCE}
  COMMENT "Generating the man page virt-v2v-wrapper.1")
add_custom_target(man ALL DEPENDS ${V2VW_MAN_PAGE})

# The name clients call, a real symlink so that it is in install_manifest.txt.
file(CREATE_LINK virt-v2v-wrapper ${CMAKE_BINARY_DIR}/virt-v2v-wrapper.py SYMBOLIC)

install(TARGETS virt-v2v-wrapper RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_BINARY_DIR}/virt-v2v-wrapper.py DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${V2VW_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
file(GLOB V2VW_DOCS ${CMAKE_SOURCE_DIR}/docs/*.md)
list(REMOVE_ITEM V2VW_DOCS ${CMAKE_SOURCE_DIR}/docs/README.md)
install(FILES ${V2VW_DOCS} README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME index.md)
file(GLOB V2VW_EXAMPLES ${CMAKE_SOURCE_DIR}/examples/*.json)
install(FILES ${V2VW_EXAMPLES} examples/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# systemd-tmpfiles reads /usr/lib/tmpfiles.d whatever the libdir is called.
install(FILES dist/tmpfiles.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d
        RENAME virt-v2v-wrapper.conf)
install(FILES dist/logrotate DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/logrotate.d
        RENAME virt-v2v-wrapper)

# The admin command (list, watch, cancel, throttle, show, metrics) and its
# bash completion.
install(TARGETS virt-v2v-wrapper-admin RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR})
install(FILES wrapper/virt-v2v-wrapper.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME virt-v2v-wrapper)
