// Generation as text: the new tokens decoded as they come, streamed to a callback, and stopped
// at stop strings, which neither the returned nor the streamed text includes.
#pragma once

#include <strata/export.hpp>
#include <strata/generate.hpp>
#include <strata/tokenizer.hpp>

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// Finds the first stop string in text that arrives piece by piece. push() returns the text that
// is safe to show now: never a stop string, nor the start of one that a later piece could
// complete (that tail is held back until it can no longer become a stop string).
class STRATA_API StopStringMatcher {
 public:
  // Empty strings are ignored.
  explicit StopStringMatcher(std::vector<std::string> stop_strings);

  // The text that `piece` makes safe; once a stop string is complete, the text before it and
  // nothing after (stopped() is then true, and further pushes return nothing).
  std::string push(std::string_view piece);
  // The text held back, for when the text ends without a stop string.
  std::string flush();
  bool stopped() const { return stopped_; }

 private:
  std::vector<std::string> stop_strings_;
  std::string held_;
  bool stopped_ = false;
};

struct STRATA_API TextGenerateOptions {
  GenerateOptions generation;  // its on_token still sees every id
  std::vector<std::string> stop_strings;
  bool skip_special_tokens = true;  // leave special tokens (EOS, ...) out of the text
  // Called with each piece of text as it becomes final; return false to stop.
  std::function<bool(std::string_view)> on_text;
};

struct STRATA_API TextGenerationResult {
  GenerationResult generation;  // its tokens include the one that completed a stop string
  std::string text;             // the new text, up to the stop string
};

// generate() with `tokenizer` decoding the new ids; generation ends at a stop token, a stop
// string, max_new_tokens, or a callback returning false.
STRATA_API TextGenerationResult generate_text(Session& session, const Tokenizer& tokenizer,
                                              std::span<const std::int32_t> prompt,
                                              const TextGenerateOptions& options = {});

}  // namespace strata
