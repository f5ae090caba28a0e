# The backend author's path, end to end: install this build into a fresh prefix, build
# samples/custom_backend against it with find_package(strata), run the installed strata-cts on
# the plugin by path, install the plugin into the SDK's plugin folder, and run strata-cts on it
# again by name; then install it below another prefix, as a distribution's package would.
#   cmake -DBUILD_DIR=... -DSAMPLE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DCXX=... -P sample_out_of_tree.cmake
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run("installing the SDK" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
run("configuring the sample" "${CMAKE_COMMAND}" -S "${SAMPLE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release)
run("building the sample" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")

# Only the installation's own plugins: nothing from the environment.
set(ENV{STRATA_PLUGIN_PATH} "")
set(cts "${prefix}/bin/strata-cts")
set(plugin "${WORK_DIR}/build/libstrata_backend_sample.so")
run("strata-cts --plugin" "${cts}" --plugin "${plugin}" --json "${WORK_DIR}/by-path.json")
message("${last_output}")
# The sample refuses attention; strata-cts must report that as unsupported, compared with the
# installed cpu device.
if(NOT last_output MATCHES "attention +f32 +no" OR NOT last_output MATCHES "compared with cpu")
  message(FATAL_ERROR "strata-cts did not report the sample's refused ops or did not compare with cpu")
endif()

run("installing the sample" "${CMAKE_COMMAND}" --install "${WORK_DIR}/build")
if(NOT EXISTS "${prefix}/lib/strata/plugins/libstrata_backend_sample.so")
  message(FATAL_ERROR "the sample did not install into the SDK's plugin folder")
endif()
run("strata-cts --backend sample" "${cts}" --backend sample --filter "matmul/*" --filter "device/*")

# A package that honours --prefix: the plugin lands in the same relative folder below it.
run("configuring the sample for a prefix" "${CMAKE_COMMAND}" -S "${SAMPLE_DIR}" -B "${WORK_DIR}/build"
    -DSAMPLE_INSTALL_INTO_SDK=OFF)
run("installing the sample to a prefix" "${CMAKE_COMMAND}" --install "${WORK_DIR}/build" --prefix "${WORK_DIR}/staged")
if(NOT EXISTS "${WORK_DIR}/staged/lib/strata/plugins/libstrata_backend_sample.so")
  message(FATAL_ERROR "with STRATA_PLUGIN_INSTALL_DIR the sample did not install below --prefix")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
