// generate() seen as text: each new id goes through a TokenStreamDecoder, then through the stop
// string matcher, and what comes out is final.
#include <strata/text_generation.hpp>

namespace strata {

TextGenerationResult generate_text(Session& session, const Tokenizer& tokenizer, std::span<const std::int32_t> prompt,
                                   const TextGenerateOptions& options) {
  TextGenerationResult result;
  TokenStreamDecoder decoder(tokenizer, options.skip_special_tokens);
  StopStringMatcher matcher(options.stop_strings);
  bool callback_stopped = false;
  auto emit = [&](const std::string& text) {
    if (text.empty()) return true;
    result.text += text;
    if (options.on_text && !options.on_text(text)) callback_stopped = true;
    return !callback_stopped;
  };
  GenerateOptions generation = options.generation;
  generation.on_token = [&](std::int32_t token) {
    if (options.generation.on_token && !options.generation.on_token(token)) return false;
    if (!emit(matcher.push(decoder.push(token)))) return false;
    return !matcher.stopped();
  };
  result.generation = generate(session, prompt, generation);
  if (matcher.stopped()) {
    result.generation.stop_reason = StopReason::stop_string;
  } else if (!callback_stopped) {
    // The end of the text: what the decoder and the matcher held back is final now.
    emit(matcher.push(decoder.flush()));
    emit(matcher.flush());
  }
  return result;
}

}  // namespace strata
