# Fails unless the code block that follows `<!-- MARKER -->` in DOC is FILE, byte for byte: the
# example a guide shows is the one the build compiles.
#   cmake -DDOC=guide.md -DMARKER=samples/embed_c/main.c -DFILE=main.c -P check_code_block.cmake
file(READ ${DOC} doc)
file(READ ${FILE} expected)
string(FIND "${doc}" "<!-- ${MARKER} -->\n```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} has no code block marked <!-- ${MARKER} -->")
endif()
string(SUBSTRING "${doc}" ${at} -1 rest)
string(FIND "${rest}" "\n" line_end)           # the marker's line
math(EXPR line_end "${line_end} + 1")
string(SUBSTRING "${rest}" ${line_end} -1 rest)
string(FIND "${rest}" "\n" fence_end)          # the opening fence
math(EXPR fence_end "${fence_end} + 1")
string(SUBSTRING "${rest}" ${fence_end} -1 rest)
string(FIND "${rest}" "\n```\n" close)
if(close EQUAL -1)
  message(FATAL_ERROR "${DOC}: the code block marked <!-- ${MARKER} --> is not closed")
endif()
math(EXPR close "${close} + 1")
string(SUBSTRING "${rest}" 0 ${close} shown)
if(NOT shown STREQUAL expected)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/shown.txt "${shown}")
  message(FATAL_ERROR "${DOC} shows another ${MARKER} than ${FILE}: copy the file into the guide "
                      "(what the guide shows is in ${CMAKE_CURRENT_BINARY_DIR}/shown.txt)")
endif()
message(STATUS "${DOC} shows ${MARKER} as it is")
