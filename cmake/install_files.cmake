# Install time (cmake --install, cpack): the files that name paths, written for the prefix being installed to.
# Prefix /usr: /etc/mxn and /var/lib/mxn (as Debian lays them out); any other prefix P: P/etc/mxn, P/var/lib/mxn.
# Set before: MXN_SOURCE_DIR, MXN_WORK_DIR (cmake/package.cmake).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(root "")
else()
  set(root "${CMAKE_INSTALL_PREFIX}")
endif()
set(MXN_BIN_DIR "${CMAKE_INSTALL_PREFIX}/bin")
set(MXN_SYSCONF_DIR "${root}/etc/mxn")
set(MXN_STATE_DIR "${root}/var/lib/mxn")
set(MXN_DOC_DIR "${CMAKE_INSTALL_PREFIX}/share/doc/mxn")

# The shipped config, its two relative paths pointed at the state folder: one home for every other default.
file(READ "${MXN_SOURCE_DIR}/config/config.yaml" config_text)
set(relative "path: ../data/" "store_dir: ../")
set(absolute "path: ${MXN_STATE_DIR}/" "store_dir: ${MXN_STATE_DIR}/")
foreach(from to IN ZIP_LISTS relative absolute)
  string(FIND "${config_text}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "cmake/install_files.cmake: config/config.yaml no longer says '${from}'")
  endif()
  string(REPLACE "${from}" "${to}" config_text "${config_text}")
endforeach()
file(WRITE "${MXN_WORK_DIR}/config.yaml" "${config_text}")
configure_file("${MXN_SOURCE_DIR}/packaging/mxn.service.in" "${MXN_WORK_DIR}/mxn.service" @ONLY)

if(EXISTS "$ENV{DESTDIR}${MXN_SYSCONF_DIR}/config.yaml")  # an admin's edits are kept
  message(STATUS "Keeping: $ENV{DESTDIR}${MXN_SYSCONF_DIR}/config.yaml (the shipped one is ${MXN_WORK_DIR}/config.yaml)")
else()
  file(INSTALL DESTINATION "${MXN_SYSCONF_DIR}" TYPE FILE FILES "${MXN_WORK_DIR}/config.yaml")
endif()
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE FILES "${MXN_WORK_DIR}/mxn.service")
