// What every tokenizer harness does with a tokenizer it could build: encode, decode and
// stream-decode a few texts, with and without special tokens. Only strata::Error may come out.
#pragma once

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

inline void exercise_tokenizer(const strata::Tokenizer& tokenizer) {
  for (const std::string_view text : {"Hello world", " <s>it's 123\n\t\xC3\xA9\xF0\x9F\x98\x80  x", ""}) {
    try {
      for (const bool special : {false, true}) {
        const std::vector<std::int32_t> ids = tokenizer.encode(text, special);
        (void)tokenizer.decode(ids, !special);
        strata::TokenStreamDecoder stream = tokenizer.stream_decoder();
        for (std::int32_t id : ids) (void)stream.push(id);
        (void)stream.flush();
      }
    } catch (const strata::Error&) {
      // A pattern over its match limit, or a post-processor id outside the vocabulary: refused.
    }
  }
}
