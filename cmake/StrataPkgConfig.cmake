# Writes and installs strata.pc. Runs at install time (install(CODE) in sdk/CMakeLists.txt), when
# CMAKE_INSTALL_PREFIX is the prefix being installed into, `cmake --install --prefix` included.
# Given: STRATA_PC_TEMPLATE, STRATA_PC_OUTPUT_DIR, STRATA_PC_LIBDIR, STRATA_PC_INCLUDEDIR (as
# GNUInstallDirs gives them), STRATA_PC_VERSION, STRATA_PC_DESCRIPTION.
set(STRATA_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(pc_destination "${STRATA_PC_LIBDIR}/pkgconfig")
foreach(dir LIBDIR INCLUDEDIR)
  if(NOT IS_ABSOLUTE "${STRATA_PC_${dir}}")
    set(STRATA_PC_${dir} "\${prefix}/${STRATA_PC_${dir}}")
  endif()
endforeach()
if(NOT IS_ABSOLUTE "${pc_destination}")
  set(pc_destination "${CMAKE_INSTALL_PREFIX}/${pc_destination}")
endif()
# One file per prefix, so that installs into two prefixes at once do not write each other's.
string(MD5 prefix_hash "${CMAKE_INSTALL_PREFIX}")
set(pc_file "${STRATA_PC_OUTPUT_DIR}/${prefix_hash}/strata.pc")
configure_file("${STRATA_PC_TEMPLATE}" "${pc_file}" @ONLY)
# file(INSTALL) honours DESTDIR and records the file in install_manifest.txt.
file(INSTALL DESTINATION "${pc_destination}" TYPE FILE FILES "${pc_file}")
file(REMOVE_RECURSE "${STRATA_PC_OUTPUT_DIR}/${prefix_hash}")
