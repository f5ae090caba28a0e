// libFuzzer target: any bytes as a SentencePiece tokenizer.model. Strata's own reading of the
// file must refuse what SentencePiece (which trusts its files) would crash on: building either
// throws strata::Error or gives a tokenizer that encodes and decodes with no crash and no hang.
// SentencePiece itself is not instrumented; its crashes still end the run.
#include "exercise_tokenizer.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::optional<strata::Tokenizer> tokenizer;
  try {
    tokenizer.emplace(
        strata::Tokenizer::from_sentencepiece(std::string_view(reinterpret_cast<const char*>(data), size)));
  } catch (const strata::Error&) {
    return 0;
  }
  exercise_tokenizer(*tokenizer);
  return 0;
}
