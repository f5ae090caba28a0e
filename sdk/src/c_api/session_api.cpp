// Sessions through the C API: load a checkpoint where a plan says, run tokens, start over.
#include "c_api/handles.hpp"
#include "c_api/kv_cache_dtype.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>

#include <fmt/format.h>

#include <memory>
#include <span>
#include <string>

strata_session::strata_session(strata::Session made) : session(std::move(made)), placement(session.placement()) {
  for (const strata::TargetPlacement& target : placement) {
    std::vector<const char*>& names = placement_units.emplace_back();
    for (const std::string& unit : target.units) names.push_back(unit.c_str());
  }
}

namespace strata::c_api {
namespace {

constexpr std::size_t session_options_size_1_0 = 40;
constexpr std::size_t target_placement_size_1_0 = 64;

strata_session_options default_session_options() {
  const SessionOptions defaults;
  strata_session_options options{};
  options.struct_size = sizeof(options);
  options.kv_dtype = STRATA_KV_CACHE_MODEL;
  options.context_length = defaults.context_length;
  options.max_batch_tokens = defaults.max_batch_tokens;
  return options;
}

// The C callback behind SessionOptions::on_progress; the strings live for the call.
void report_progress(const strata_session_options& given, const LoadProgress& progress) {
  const std::string parameter(progress.parameter);
  const std::string target(progress.target);
  strata_load_progress out{};
  out.struct_size = sizeof(out);
  out.bytes_done = progress.bytes_done;
  out.bytes_total = progress.bytes_total;
  out.parameters_done = progress.parameters_done;
  out.parameters_total = progress.parameters_total;
  out.parameter = parameter.c_str();
  out.target = target.c_str();
  given.on_progress(given.user_data, &out);
}

SessionOptions to_cpp(const strata_session_options& given) {
  SessionOptions options;
  options.context_length = given.context_length;
  options.max_batch_tokens = given.max_batch_tokens;
  options.kv_dtype = kv_cache_dtype(given.kv_dtype);
  if (given.on_progress != nullptr)
    options.on_progress = [given](const LoadProgress& progress) { report_progress(given, progress); };
  if (given.cancel != nullptr) options.cancel = given.cancel->token;
  return options;
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

void strata_session_options_init(strata_session_options* options, size_t struct_size) {
  init_options(options, struct_size, default_session_options());
}

strata_status_code strata_session_create(const strata_runtime* runtime, const strata_checkpoint* checkpoint,
                                         const strata_plan* plan, const strata_session_options* options,
                                         strata_session** out_session) {
  return guarded("strata_session_create", [&] {
    const strata::Runtime& devices = required(runtime, "runtime").runtime;
    const strata::Checkpoint& model = required(checkpoint, "checkpoint").checkpoint;
    const std::vector<std::string>& targets = required(plan, "plan").result.targets;
    strata_session*& out = required(out_session, "out_session");
    const strata_session_options given =
        read_options(options, default_session_options(), session_options_size_1_0, "strata_session_options");
    if (targets.size() != model.graph().units.size())
      throw ArgumentError(fmt::format("the plan places {} units, the checkpoint has {}: it was made for another model",
                                      targets.size(), model.graph().units.size()));
    out = std::make_unique<strata_session>(strata::Session(devices, model, targets, to_cpp(given))).release();
  });
}

void strata_session_destroy(strata_session* session) { delete session; }

strata_status_code strata_cancel_token_create(strata_cancel_token** out_token) {
  return guarded("strata_cancel_token_create",
                 [&] { required(out_token, "out_token") = std::make_unique<strata_cancel_token>().release(); });
}

void strata_cancel_token_destroy(strata_cancel_token* token) { delete token; }

void strata_cancel_token_cancel(strata_cancel_token* token) {
  if (token != nullptr) token->token.cancel();
}

void strata_cancel_token_reset(strata_cancel_token* token) {
  if (token != nullptr) token->token.reset();
}

int32_t strata_cancel_token_is_cancelled(const strata_cancel_token* token) {
  return token != nullptr && token->token.cancelled() ? 1 : 0;
}

int64_t strata_session_position(const strata_session* session) {
  return session == nullptr ? 0 : session->session.position();
}

int64_t strata_session_context_length(const strata_session* session) {
  return session == nullptr ? 0 : session->session.context_length();
}

strata_status_code strata_session_reset(strata_session* session, int64_t position) {
  return guarded("strata_session_reset", [&] { required(session, "session").session.reset(position); });
}

size_t strata_session_placement_count(const strata_session* session) {
  return session == nullptr ? 0 : session->placement.size();
}

strata_status_code strata_session_placement(const strata_session* session, size_t index,
                                            strata_target_placement* inout_placement) {
  return guarded("strata_session_placement", [&] {
    const strata_session& handle = required(session, "session");
    if (index >= handle.placement.size())
      throw ArgumentError(fmt::format("target {} does not exist; the session uses {}", index, handle.placement.size()));
    const strata::TargetPlacement& target = handle.placement[index];
    strata_target_placement info{};
    info.target = target.target.c_str();
    info.device = target.device.c_str();
    info.units = handle.placement_units[index].data();
    info.unit_count = handle.placement_units[index].size();
    info.weight_bytes = target.weight_bytes;
    info.mapped_bytes = target.mapped_bytes;
    info.kv_bytes = target.kv_bytes;
    write_info(info, inout_placement, target_placement_size_1_0, "inout_placement");
  });
}

strata_status_code strata_session_forward(strata_session* session, const int32_t* tokens, size_t token_count,
                                          strata_logits which, float* out_logits, size_t capacity, size_t* out_count) {
  return guarded("strata_session_forward", [&] {
    strata::Session& held = required(session, "session").session;
    size_t& count = required(out_count, "out_count");
    if (which != STRATA_LOGITS_LAST && which != STRATA_LOGITS_ALL)
      throw ArgumentError(fmt::format("{} is not a strata_logits", which));
    if (token_count > 0) required(tokens, "tokens");
    const auto vocab = static_cast<std::size_t>(held.graph().config.vocab_size);
    const std::size_t needed = which == STRATA_LOGITS_ALL ? token_count * vocab : vocab;
    if (out_logits == nullptr) {
      count = needed;
      return;
    }
    if (capacity < needed)
      throw ArgumentError(fmt::format("out_logits holds {} floats; these logits need {}", capacity, needed));
    const std::vector<float> logits =
        held.forward(std::span(tokens, token_count),
                     which == STRATA_LOGITS_ALL ? strata::Session::Logits::all : strata::Session::Logits::last);
    std::copy(logits.begin(), logits.end(), out_logits);
    count = logits.size();
  });
}

}  // extern "C"
