// The SPIR-V compiled from shaders/ at build time, embedded in the plugin: no file is read at run
// time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace strata_vulkan {

struct SpirvBlob {
  const char* name;  // the variant's name in CMakeLists.txt, e.g. "matvec_f16_sg"
  const std::uint32_t* words;
  std::size_t word_count;
};

std::span<const SpirvBlob> spirv_blobs();

}  // namespace strata_vulkan
