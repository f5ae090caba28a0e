# strata_add_backend_plugin(NAME SOURCES...): a backend plugin module, built into and installed
# under <libdir>/strata/plugins, where the SDK looks for it relative to its own library.
function(strata_add_backend_plugin name)
  set(target strata_backend_${name})
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE strata::plugin_support)
  strata_target_defaults(${target})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/${STRATA_PLUGIN_SUBDIR})
  install(TARGETS ${target} LIBRARY DESTINATION ${STRATA_PLUGIN_SUBDIR} COMPONENT runtime)
endfunction()
