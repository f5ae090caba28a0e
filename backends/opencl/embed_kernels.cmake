# cmake -DOUTPUT=file.cpp -DINPUTS="a.cl;b.cl" -P embed_kernels.cmake
# Writes one C++ file defining strata_opencl::kernel_source(): the .cl files concatenated, each
# in its own raw string literal (compilers limit the length of one literal, not of a sum).
set(body "// Generated from backends/opencl/kernels/*.cl by embed_kernels.cmake; do not edit.\n")
string(APPEND body "#include \"kernel_source.hpp\"\n\nnamespace strata_opencl {\n\n")
string(APPEND body "const std::string& kernel_source() {\n  static const std::string source = std::string()")
foreach(input IN LISTS INPUTS)
  file(READ ${input} text)
  get_filename_component(name ${input} NAME)
  string(APPEND body "\n    + \"// ---- ${name}\\n\"")
  # Split into chunks under the 64 KiB that some compilers allow per literal.
  string(LENGTH "${text}" length)
  set(start 0)
  while(start LESS length)
    string(SUBSTRING "${text}" ${start} 16000 chunk)
    string(APPEND body "\n    + R\"strata_cl(${chunk})strata_cl\"")
    math(EXPR start "${start} + 16000")
  endwhile()
endforeach()
string(APPEND body ";\n  return source;\n}\n\n}  // namespace strata_opencl\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
