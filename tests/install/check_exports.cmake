# Fails when libstrata exports a symbol of its internals (strata::detail) or of the libraries it
# carries inside (fmt, spdlog, nlohmann-json): an application must see the public API only, and
# must be free to link its own versions of those libraries. Fails too when the public API itself
# is not exported. Run as: cmake -DNM=... -DLIBRARY=... -P check_exports.cmake
execute_process(COMMAND ${NM} -DC --defined-only ${LIBRARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${NM} could not read the symbols of ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(leaks "")
set(public 0)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[0-9a-fA-F]+ [A-Za-z] " "" name "${line}")
  if(name MATCHES "^(strata::detail::|fmt::|spdlog::|nlohmann::)")
    list(APPEND leaks "${name}")
  elseif(name MATCHES "^strata::Runtime::Runtime\\(")
    set(public 1)
  endif()
endforeach()
list(LENGTH leaks leak_count)
if(leak_count GREATER 0)
  list(JOIN leaks "\n  " shown)
  message(FATAL_ERROR "${LIBRARY} exports ${leak_count} symbols that are not its public API:\n  ${shown}\n"
                      "Declare only the public API with STRATA_API (strata/export.hpp); the rest stays hidden.")
endif()
if(NOT public)
  message(FATAL_ERROR "${LIBRARY} does not export strata::Runtime::Runtime: is STRATA_API on the public classes?")
endif()
message(STATUS "${LIBRARY}: only the public API is exported")
