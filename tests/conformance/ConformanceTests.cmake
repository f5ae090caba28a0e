# The conformance runs ctest makes: strata-cts against every backend built here, strata-cts'
# own command line, its power to catch a faulty backend, and the out-of-tree sample backend.
set(cts_dir ${CMAKE_CURRENT_SOURCE_DIR})

# cts.<backend>: the quick shape set; "no device here" skips, except in CI (see run_cts.cmake).
function(strata_cts_backend_test backend)
  cmake_parse_arguments(ARG "" "ENVIRONMENT" "EXTRA_ARGS" ${ARGN})
  if(NOT TARGET strata_backend_${backend})
    return()
  endif()
  set(args "--backend|${backend}")
  foreach(extra IN LISTS ARG_EXTRA_ARGS)
    string(APPEND args "|${extra}")
  endforeach()
  add_test(NAME cts.${backend}
    COMMAND ${CMAKE_COMMAND} -DCTS=$<TARGET_FILE:strata_cts> "-DARGS=${args}"
            -DJSON=${CMAKE_CURRENT_BINARY_DIR}/cts-${backend}.json -P ${cts_dir}/run_cts.cmake)
  set_tests_properties(cts.${backend} PROPERTIES SKIP_REGULAR_EXPRESSION "STRATA_CTS_SKIPPED" TIMEOUT 1200
                                                 LABELS conformance ENVIRONMENT "${ARG_ENVIRONMENT}")
endfunction()

# The reference backend must run every op it claims a dtype for.
strata_cts_backend_test(cpu EXTRA_ARGS --require-support)
# sim offers the devices STRATA_SIM_DEVICES describes (inline JSON here): one small GPU.
strata_cts_backend_test(sim ENVIRONMENT
  [[STRATA_SIM_DEVICES={"devices": [{"name": "strata-cts simulated GPU", "kind": "gpu", "memory_gib": 2, "tflops": 10, "memory_gbps": 300, "link_gbps": 16}]}]])
strata_cts_backend_test(opencl)
strata_cts_backend_test(vulkan)

# The command line: usage errors exit 2, a missing backend 3, --list lists without a device.
function(strata_cts_expect name rc)
  cmake_parse_arguments(ARG "" "OUTPUT;REJECT" "ARGS" ${ARGN})
  string(REPLACE ";" "|" command "$<TARGET_FILE:strata_cts>;${ARG_ARGS}")
  set(defines "-DCOMMAND=${command}" -DEXPECT_RC=${rc})
  if(ARG_OUTPUT)
    list(APPEND defines "-DEXPECT_OUTPUT=${ARG_OUTPUT}")
  endif()
  if(ARG_REJECT)
    list(APPEND defines "-DREJECT_OUTPUT=${ARG_REJECT}")
  endif()
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} ${defines} -P ${cts_dir}/expect_run.cmake)
  set_tests_properties(${name} PROPERTIES LABELS conformance)
endfunction()

strata_cts_expect(cts.cli.unknown_option 2 ARGS --no-such-option)
strata_cts_expect(cts.cli.nothing_to_test 2 ARGS --quick OUTPUT "say what to test")
strata_cts_expect(cts.cli.missing_backend 3 ARGS --backend no-such-backend OUTPUT "has no device here")
strata_cts_expect(cts.cli.list 0 ARGS --list --filter "attention/f16/*" --filter "device/threads"
                  OUTPUT "attention/f16/T1-Hq8-Hkv4-D64-S100-past50.*device/threads" REJECT "matmul/")
strata_cts_expect(cts.cli.list_full 0 ARGS --list --full --filter "attention/*S8192*" OUTPUT "T1-Hq8-Hkv8-D64-S8192")

# -v shows each case's limits beside its errors (the limits backend-guide.md lists).
if(TARGET strata_backend_cpu)
  strata_cts_expect(cts.cli.verbose_shows_limits 0 ARGS --backend cpu --filter matmul/f32/7x33x65 -v
                    OUTPUT "matmul/f32/7x33x65 +pass +NMSE [0-9.e+-]+ \\(limit 1e-08\\), \\|err\\| [0-9.e+-]+ \\(limit 1e-04")
endif()

include(${cts_dir}/faulty_backend/FaultyBackendTests.cmake)

# The backend author's whole path against an installed SDK (see sample_out_of_tree.cmake).
set(sample_dir ${PROJECT_SOURCE_DIR}/samples/custom_backend)
if(EXISTS ${sample_dir}/CMakeLists.txt)
  add_test(NAME cts.sample_backend_out_of_tree
    COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR} -DSAMPLE_DIR=${sample_dir}
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/sample-out-of-tree "-DGENERATOR=${CMAKE_GENERATOR}"
            -DCXX=${CMAKE_CXX_COMPILER} -P ${cts_dir}/sample_out_of_tree.cmake)
  set_tests_properties(cts.sample_backend_out_of_tree PROPERTIES TIMEOUT 900 LABELS conformance)
endif()
