# `make install` (cmake --install, PREFIX) and `make deb` (CPack): the mxn binary, DuckDB's library in a
# private folder found through the binary's rpath, the config with its paths pointed at the state folder, the
# systemd unit, and for the .deb the mxn system user (packaging/postinst). The files that name paths are
# written at install time for the prefix installed to (cmake/install_files.cmake), so one build serves both.
# Installing and packaging take the mxn binary as built (the Makefile builds that target first), not every
# target: no test is compiled for a package, nor by the package test while the other tests run.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(mxn_private_lib_dir lib/mxn)
set_target_properties(mxn PROPERTIES INSTALL_RPATH "$ORIGIN/../${mxn_private_lib_dir}")
install(TARGETS mxn RUNTIME DESTINATION bin)
install(FILES "${MXN_DUCKDB_DIR}/libduckdb.so" DESTINATION "${mxn_private_lib_dir}")
install(FILES "${CMAKE_SOURCE_DIR}/README.md" DESTINATION share/doc/mxn)
install(CODE "set(MXN_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")\nset(MXN_WORK_DIR \"${CMAKE_BINARY_DIR}/packaging\")")
install(SCRIPT "${CMAKE_SOURCE_DIR}/cmake/install_files.cmake")

# The .deb always installs to /usr, hence /etc/mxn and /var/lib/mxn, whatever prefix the build was set up with.
set(MXN_STATE_DIR /var/lib/mxn)
set(mxn_deb_dir "${CMAKE_BINARY_DIR}/packaging/deb")
foreach(script postinst prerm postrm)
  configure_file("${CMAKE_SOURCE_DIR}/packaging/${script}.in" "${mxn_deb_dir}/${script}" @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                                  WORLD_EXECUTE)
endforeach()
file(WRITE "${mxn_deb_dir}/conffiles" "/etc/mxn/config.yaml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mxn)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "mxn maintainers <mxn@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "personalised recommendation engine with a REST API over an embedded DuckDB")
set(CPACK_SET_DESTDIR ON)  # install with prefix /usr into the staging folder, so that /etc and /var follow
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: found by dpkg-shlibdeps; libduckdb is the package's own
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${MXN_DUCKDB_DIR}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${mxn_deb_dir}/postinst;${mxn_deb_dir}/prerm;${mxn_deb_dir}/postrm;${mxn_deb_dir}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
