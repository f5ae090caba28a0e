// Generation through the C API: tokens streamed to a callback that may stop it.
#include "c_api/handles.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>
#include <strata/generate.hpp>

#include <span>

namespace strata::c_api {
namespace {

constexpr std::size_t generate_options_size_1_0 = 64;
constexpr std::size_t generation_result_size_1_0 = 56;

strata_generate_options default_generate_options() {
  const GenerateOptions defaults;
  strata_generate_options options{};
  options.struct_size = sizeof(options);
  options.max_new_tokens = defaults.max_new_tokens;
  options.temperature = defaults.sampling.temperature;
  options.top_k = defaults.sampling.top_k;
  options.top_p = defaults.sampling.top_p;
  options.seed = defaults.sampling.seed;
  return options;
}

GenerateOptions to_cpp(const strata_generate_options& given) {
  GenerateOptions options;
  options.max_new_tokens = given.max_new_tokens;
  options.sampling = {given.temperature, given.top_k, given.top_p, given.seed};
  if (given.stop_token_count > 0) {
    required(given.stop_tokens, "options->stop_tokens");
    options.stop_tokens.assign(given.stop_tokens, given.stop_tokens + given.stop_token_count);
  }
  if (given.on_token != nullptr)
    options.on_token = [&given](std::int32_t token) { return given.on_token(given.user_data, token) != 0; };
  return options;
}

strata_stop_reason to_c(StopReason reason) {
  switch (reason) {
    case StopReason::stop_token:
      return STRATA_STOP_STOP_TOKEN;
    case StopReason::callback:
      return STRATA_STOP_CALLBACK;
    case StopReason::cancelled:
      return STRATA_STOP_CANCELLED;
    case StopReason::stop_string:  // generate_text only: strata_generate never stops at a string
    case StopReason::max_new_tokens:
      break;
  }
  return STRATA_STOP_MAX_NEW_TOKENS;
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

void strata_generate_options_init(strata_generate_options* options, size_t struct_size) {
  init_options(options, struct_size, default_generate_options());
}

strata_status_code strata_generate(strata_session* session, const int32_t* prompt, size_t prompt_count,
                                   const strata_generate_options* options, strata_generation_result* out_result) {
  return guarded("strata_generate", [&] {
    strata_session& handle = required(session, "session");
    if (prompt_count > 0) required(prompt, "prompt");
    // The result struct is checked before anything runs, not after a whole generation.
    if (out_result != nullptr) checked_size(*out_result, generation_result_size_1_0, "out_result");
    const strata_generate_options given =
        read_options(options, default_generate_options(), generate_options_size_1_0, "strata_generate_options");
    const strata::GenerationResult result =
        strata::generate(handle.session, std::span(prompt, prompt_count), to_cpp(given));
    handle.generated = result.tokens;
    if (out_result == nullptr) return;
    strata_generation_result out{};
    out.stop_reason = to_c(result.stop_reason);
    out.tokens = handle.generated.data();
    out.token_count = handle.generated.size();
    out.prompt_tokens = result.prompt_tokens;
    out.decode_steps = result.decode_steps;
    out.prefill_seconds = result.prefill_seconds;
    out.decode_seconds = result.decode_seconds;
    write_info(out, out_result, generation_result_size_1_0, "out_result");
  });
}

const char* strata_stop_reason_name(strata_stop_reason reason) {
  switch (reason) {
    case STRATA_STOP_MAX_NEW_TOKENS:
      return "max_new_tokens";
    case STRATA_STOP_STOP_TOKEN:
      return "stop_token";
    case STRATA_STOP_CALLBACK:
      return "callback";
    case STRATA_STOP_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
  }
}

}  // extern "C"
