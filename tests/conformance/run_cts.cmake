# ctest driver for one strata-cts run:
#   cmake -DCTS=<strata-cts> -DARGS="--backend|opencl" [-DJSON=<file>] -P run_cts.cmake
# Exit 3 from strata-cts means the backend has no device here: that is a skip (printed as
# STRATA_CTS_SKIPPED, which the test's SKIP_REGULAR_EXPRESSION matches), except when CI is
# "true": the backend was built, so CI must have its device.
string(REPLACE "|" ";" arguments "${ARGS}")
if(JSON)
  file(REMOVE "${JSON}")
  list(APPEND arguments --json "${JSON}")
endif()
execute_process(COMMAND "${CTS}" ${arguments} RESULT_VARIABLE rc)

if(rc EQUAL 3)
  if("$ENV{CI}" STREQUAL "true")
    message(FATAL_ERROR "strata-cts ${ARGS}: no device, but CI=true and the backend was built")
  endif()
  message("STRATA_CTS_SKIPPED: strata-cts ${ARGS}: the backend has no device here")
  return()
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "strata-cts ${ARGS} exited with ${rc}")
endif()

# The JSON report must agree with the exit code.
if(JSON)
  file(READ "${JSON}" report)
  string(JSON passed GET "${report}" passed)
  string(JSON device_count LENGTH "${report}" devices)
  if(NOT passed OR device_count LESS 1)
    message(FATAL_ERROR "strata-cts exited 0 but ${JSON} says passed=${passed} for ${device_count} devices")
  endif()
endif()
