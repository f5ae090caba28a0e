# Turns one SPIR-V file into a C++ source holding it as an array of 32-bit words (SPIR-V is a
# word stream, and vkCreateShaderModule wants it word aligned).
#   cmake -DINPUT=x.spv -DOUTPUT=x.spv.cpp -DNAME=x -P embed_spirv.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR remainder "${hex_length} % 8")
if(hex_length EQUAL 0 OR NOT remainder EQUAL 0)
  message(FATAL_ERROR "${INPUT} is not a whole number of 32-bit words")
endif()
math(EXPR word_count "${hex_length} / 8")
# Bytes are little endian in the file: b0 b1 b2 b3 -> 0xb3b2b1b0.
string(REGEX REPLACE "([0-9a-f][0-9a-f])([0-9a-f][0-9a-f])([0-9a-f][0-9a-f])([0-9a-f][0-9a-f])"
                     "0x\\4\\3\\2\\1u," words "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${NAME}.spv by embed_spirv.cmake; do not edit.\n"
  "#include <cstddef>\n#include <cstdint>\n\n"
  "namespace strata_vulkan::spirv {\n"
  "extern const std::uint32_t ${NAME}_words[];\n"
  "extern const std::size_t ${NAME}_word_count;\n"
  "const std::uint32_t ${NAME}_words[] = {${words}};\n"
  "const std::size_t ${NAME}_word_count = ${word_count};\n"
  "}  // namespace strata_vulkan::spirv\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
