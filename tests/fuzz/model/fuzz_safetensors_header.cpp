// libFuzzer target: any bytes as a safetensors file. The parser must either accept them with
// every offset inside the data section, or throw strata::Error; nothing else (no crash, no other
// exception, no read outside the input).
#include <strata/checkpoint.hpp>
#include <strata/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
  try {
    const strata::SafetensorsHeader header = strata::parse_safetensors_header(file, "fuzz.safetensors");
    // What the loader relies on, re-checked independently of the parser.
    if (header.data_offset + header.data_bytes != size) std::abort();
    for (const strata::SafetensorsTensor& tensor : header.tensors) {
      if (tensor.begin > tensor.end || tensor.end > header.data_bytes) std::abort();
      if (header.find(tensor.name) != &tensor) std::abort();
    }
  } catch (const strata::Error&) {
    // Rejected with a message: the expected outcome for most inputs.
  }
  return 0;
}
