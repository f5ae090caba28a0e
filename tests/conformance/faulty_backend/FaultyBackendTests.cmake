# cts.catches.*: strata-cts must fail a backend with a known bug, for the right reason; and
# must not fail one that honestly refuses an op. The faulty backend is the sample backend with
# one bug switched on by STRATA_CTS_FAULT (faulty_backend.cpp). It is built here only, never
# installed, and kept out of the plugin folder so no other program loads it.
set(sample_src ${PROJECT_SOURCE_DIR}/samples/custom_backend/src)
if(NOT EXISTS ${sample_src}/sample.hpp)
  return()
endif()
add_library(strata_cts_faulty_backend MODULE
  ${CMAKE_CURRENT_LIST_DIR}/faulty_backend.cpp
  ${sample_src}/entry.cpp
  ${sample_src}/device.cpp
  ${sample_src}/buffers.cpp
  ${sample_src}/queue.cpp
  ${sample_src}/op_rules.cpp
  ${sample_src}/kernels.cpp)
target_include_directories(strata_cts_faulty_backend PRIVATE ${sample_src})
target_link_libraries(strata_cts_faulty_backend PRIVATE strata::headers)
# The sample's entry point becomes sample_inner_entry; faulty_backend.cpp exports the real one.
target_compile_definitions(strata_cts_faulty_backend PRIVATE strata_backend_entry=sample_inner_entry)
set_target_properties(strata_cts_faulty_backend PROPERTIES
  PREFIX "lib" OUTPUT_NAME strata_backend_faulty LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/faulty)
strata_target_defaults(strata_cts_faulty_backend)

# strata_cts_fault_test(NAME FAULT RC OUTPUT [ARGS...]): run strata-cts on the faulty backend
# with FAULT switched on; expect exit code RC and output matching OUTPUT.
function(strata_cts_fault_test name fault rc output)
  string(REPLACE ";" "|" command
         "$<TARGET_FILE:strata_cts>;--plugin;$<TARGET_FILE:strata_cts_faulty_backend>;--isolated;${ARGN}")
  add_test(NAME cts.${name}
    COMMAND ${CMAKE_COMMAND} "-DCOMMAND=${command}" -DEXPECT_RC=${rc} "-DEXPECT_OUTPUT=${output}"
            -P ${CMAKE_CURRENT_LIST_DIR}/../expect_run.cmake)
  set(environment "STRATA_CTS_FAULT=${fault}")
  if(fault STREQUAL "leak")
    # The leak is the injected bug strata-cts must report; under a sanitizer build LeakSanitizer
    # would otherwise abort at exit with its own report first.
    list(APPEND environment "ASAN_OPTIONS=detect_leaks=0")
  elseif(fault STREQUAL "crash_in_entry")
    # Under a sanitizer build the crash must stay a signal, not become the sanitizer's exit.
    list(APPEND environment "ASAN_OPTIONS=handle_segv=0" "TSAN_OPTIONS=handle_segv=0")
  endif()
  set_tests_properties(cts.${name} PROPERTIES ENVIRONMENT "${environment}" LABELS conformance)
endfunction()

# With no fault it is the sample backend, and passes everything it claims.
strata_cts_fault_test(sample_in_tree none 0 "faulty:0: [0-9]+ passed, 0 failed")
strata_cts_fault_test(catches.overrun overrun 1 "add/f32/7x33 +FAIL +output: wrote past the tensor's end" --filter add/f32/7x33)
strata_cts_fault_test(catches.wrong_result wrong_matmul 1 "matmul/f32/7x33x65 +FAIL +NMSE" --filter matmul/f32/7x33x65)
strata_cts_fault_test(catches.swallowed_nan swallow_nan 1 "softmax/f32/2x4097/scale0.125/nan +FAIL .*NaN/Inf/finite"
                      --filter softmax/f32/2x4097/scale0.125/nan)
strata_cts_fault_test(catches.unwritten_output partial_write 1 "silu/f32/31 +FAIL .*NaN/Inf/finite" --filter silu/f32/31)
strata_cts_fault_test(catches.input_written write_input 1 "input 0 changed" --filter matmul/f32/1x64x64)
strata_cts_fault_test(catches.leak leak 1 "free memory fell" --filter device/memory-returned)
strata_cts_fault_test(catches.no_oom no_oom 1 "succeeded" --filter device/allocation-too-large)
strata_cts_fault_test(catches.false_claim claim_gelu 1 "gelu/f32/31 +FAIL +error \\(unsupported\\)" --filter gelu/f32/31)
strata_cts_fault_test(catches.accepted_invalid_op accept_invalid 1 "was accepted" --filter device/invalid-op-rejected)
strata_cts_fault_test(catches.ignored_weight_offset ignore_weight_offset 1 "rms_norm/f32/3x7/weight-offset1 +FAIL +NMSE"
                      --filter rms_norm/f32/3x7/weight-offset1)
strata_cts_fault_test(catches.unterminated_driver unterminated_driver 1 "device/properties-1.1 +FAIL .*no NUL"
                      --filter device/properties-1.1)
strata_cts_fault_test(catches.unknown_sharing unknown_sharing 1 "device/properties-1.1 +FAIL .*UNKNOWN or out of range"
                      --filter device/properties-1.1)
strata_cts_fault_test(catches.cpu_shares_nothing cpu_shares_nothing 1 "device/properties-1.1 +FAIL .*kind CPU claims"
                      --filter device/properties-1.1)
strata_cts_fault_test(catches.exact_without_speeds exact_without_speeds 1
                      "device/properties-1.1 +FAIL .*EXACT_SPEEDS with host_link_bandwidth not above 0"
                      --filter device/properties-1.1)
strata_cts_fault_test(refusal_is_not_failure refuse_softmax 0 "softmax +f32 +no +-" --filter softmax/*)
strata_cts_fault_test(refusal_fails_with_require_support refuse_softmax 1 "refused by supports_op" --filter softmax/*
                      --require-support)

# A backend that fails after its entry point, crashes or hangs: a failed run with the reason, never
# a dead or stuck strata-cts (--child-process), and no "internal error error" in the message.
strata_cts_fault_test(survives.properties_fail properties_fail 1
                      "could not be used: .*reading device properties: faulty: no properties today")
strata_cts_fault_test(survives.crash_in_entry crash_in_entry 1 "crashed the process \\(signal 11" --child-process)
strata_cts_fault_test(survives.crash_in_submit crash_in_submit 1 "crashed the process \\(signal 6"
                      --child-process --filter add/f32/7x33)
strata_cts_fault_test(survives.hang_in_probe hang_in_probe 1 "did not finish within 3 s" --child-process
                      --time-limit 3)
