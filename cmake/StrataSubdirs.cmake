# strata_add_subdirectories(DIR...): add each listed folder that has a CMakeLists.txt, so parts
# of the tree (a backend, a test group) can arrive independently.
function(strata_add_subdirectories)
  foreach(dir IN LISTS ARGN)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()
