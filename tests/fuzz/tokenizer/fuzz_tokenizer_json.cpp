// libFuzzer target: any bytes as tokenizer.json. Building either throws strata::Error or gives a
// tokenizer that encodes, decodes and stream-decodes a few texts with no other exception, no
// crash and no hang (the sanitizers and libFuzzer's timeout watch).
#include "exercise_tokenizer.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::optional<strata::Tokenizer> tokenizer;
  try {
    tokenizer.emplace(strata::Tokenizer::from_json(std::string_view(reinterpret_cast<const char*>(data), size)));
  } catch (const strata::Error&) {
    return 0;
  }
  exercise_tokenizer(*tokenizer);
  return 0;
}
