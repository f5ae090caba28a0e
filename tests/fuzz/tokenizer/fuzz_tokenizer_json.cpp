// libFuzzer target: any bytes as tokenizer.json. Building either throws strata::Error or gives a
// tokenizer that encodes, decodes and stream-decodes a few texts with no other exception, no
// crash and no hang (the sanitizers and libFuzzer's timeout watch).
#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

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
  for (const std::string_view text : {"Hello world", " <s>it's 123\n\t\xC3\xA9\xF0\x9F\x98\x80  x", ""}) {
    try {
      for (const bool special : {false, true}) {
        const std::vector<std::int32_t> ids = tokenizer->encode(text, special);
        (void)tokenizer->decode(ids, !special);
        strata::TokenStreamDecoder stream = tokenizer->stream_decoder();
        for (std::int32_t id : ids) (void)stream.push(id);
        (void)stream.flush();
      }
    } catch (const strata::Error&) {
      // A pattern over its match limit, or a post-processor id outside the vocabulary: refused.
    }
  }
  return 0;
}
