// Sessions through the C API: load a checkpoint where a plan says (into a session, or into a model
// that sessions share), run tokens of one sequence or the next token of several, start over.
#include "c_api/handles.hpp"
#include "c_api/kv_cache_dtype.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
  options.sequences = defaults.sequences;
  options.micro_batches = defaults.micro_batches;
  return options;
}

strata_session_options given_session_options(const strata_session_options* options) {
  return read_options(options, default_session_options(), session_options_size_1_0, "strata_session_options");
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
  options.sequences = given.sequences == 0 ? 1 : given.sequences;  // 0: a caller that left it unset
  options.micro_batches = given.micro_batches == 0 ? 1 : given.micro_batches;
  options.kv_dtype = kv_cache_dtype(given.kv_dtype);
  if (given.on_progress != nullptr)
    options.on_progress = [given](const LoadProgress& progress) { report_progress(given, progress); };
  if (given.cancel != nullptr) options.cancel = given.cancel->token;
  return options;
}

// What loading reads of the session options: the progress callback and the cancel token.
LoadOptions to_load_options(const strata_session_options& given) {
  LoadOptions options;
  if (given.on_progress != nullptr)
    options.on_progress = [given](const LoadProgress& progress) { report_progress(given, progress); };
  if (given.cancel != nullptr) options.cancel = given.cancel->token;
  return options;
}

// The plan's targets, checked against the checkpoint it is to place.
const std::vector<std::string>& plan_targets(const strata_plan* plan, const Checkpoint& checkpoint) {
  const std::vector<std::string>& targets = required(plan, "plan").result.targets;
  if (targets.size() != checkpoint.graph().units.size())
    throw ArgumentError(fmt::format("the plan places {} units, the checkpoint has {}: it was made for another model",
                                    targets.size(), checkpoint.graph().units.size()));
  return targets;
}

// A sequence number the caller passed, against the sequences the session holds: `name` is the
// argument, `index` the entry when it is an array.
void check_sequence(const Session& session, std::int64_t sequence, std::string_view name,
                    std::optional<std::size_t> index = std::nullopt) {
  const std::int64_t count = session.sequences();
  if (sequence >= 0 && sequence < count) return;
  const std::string argument = index ? fmt::format("{}[{}]", name, *index) : std::string(name);
  throw ArgumentError(
      fmt::format("`{}` is {}, outside 0..{}: the session holds {} sequences", argument, sequence, count - 1, count));
}

Session::Logits logits_rows(strata_logits which) {
  if (which != STRATA_LOGITS_LAST && which != STRATA_LOGITS_ALL)
    throw ArgumentError(fmt::format("{} is not a strata_logits", which));
  return which == STRATA_LOGITS_ALL ? Session::Logits::all : Session::Logits::last;
}

// strata_session_forward and strata_session_forward_sequence: the logits of `tokens` run after
// what `sequence` holds, copied out by the C API's size rule.
void forward_into(strata_session* session, std::int64_t sequence, const int32_t* tokens, size_t token_count,
                  strata_logits which, float* out_logits, size_t capacity, size_t* out_count) {
  Session& held = required(session, "session").session;
  size_t& count = required(out_count, "out_count");
  const Session::Logits rows = logits_rows(which);
  check_sequence(held, sequence, "sequence");
  if (token_count > 0) required(tokens, "tokens");
  const auto vocab = static_cast<std::size_t>(held.graph().config.vocab_size);
  const std::size_t needed = rows == Session::Logits::all ? token_count * vocab : vocab;
  if (out_logits == nullptr) {
    count = needed;
    return;
  }
  if (capacity < needed)
    throw ArgumentError(fmt::format("out_logits holds {} floats; these logits need {}", capacity, needed));
  const std::vector<float> logits = held.forward(sequence, std::span(tokens, token_count), rows);
  std::copy(logits.begin(), logits.end(), out_logits);
  count = logits.size();
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
    const std::vector<std::string>& targets = plan_targets(plan, model);
    strata_session*& out = required(out_session, "out_session");
    const strata_session_options given = given_session_options(options);
    out = std::make_unique<strata_session>(strata::Session(devices, model, targets, to_cpp(given))).release();
  });
}

void strata_session_destroy(strata_session* session) { delete session; }

strata_status_code strata_model_load(const strata_runtime* runtime, const strata_checkpoint* checkpoint,
                                     const strata_plan* plan, const strata_session_options* options,
                                     strata_model** out_model) {
  return guarded("strata_model_load", [&] {
    const strata::Runtime& devices = required(runtime, "runtime").runtime;
    const strata::Checkpoint& model = required(checkpoint, "checkpoint").checkpoint;
    const std::vector<std::string>& targets = plan_targets(plan, model);
    strata_model*& out = required(out_model, "out_model");
    const strata_session_options given = given_session_options(options);
    const strata::LoadedModel loaded(devices, model, targets, to_load_options(given));
    out = std::make_unique<strata_model>(strata_model{loaded}).release();  // a copy of a handle: shares the weights
  });
}

void strata_model_destroy(strata_model* model) { delete model; }

strata_status_code strata_session_create_from_model(const strata_model* model, const strata_session_options* options,
                                                    strata_session** out_session) {
  return guarded("strata_session_create_from_model", [&] {
    const strata::LoadedModel& weights = required(model, "model").model;
    strata_session*& out = required(out_session, "out_session");
    const strata_session_options given = given_session_options(options);
    out = std::make_unique<strata_session>(strata::Session(weights, to_cpp(given))).release();
  });
}

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
  return guarded("strata_session_forward",
                 [&] { forward_into(session, 0, tokens, token_count, which, out_logits, capacity, out_count); });
}

int64_t strata_session_sequences(const strata_session* session) {
  return session == nullptr ? 0 : session->session.sequences();
}

strata_status_code strata_session_sequence_position(const strata_session* session, int64_t sequence,
                                                    int64_t* out_position) {
  return guarded("strata_session_sequence_position", [&] {
    const strata::Session& held = required(session, "session").session;
    int64_t& position = required(out_position, "out_position");
    check_sequence(held, sequence, "sequence");
    position = held.position_of(sequence);
  });
}

strata_status_code strata_session_reset_sequence(strata_session* session, int64_t sequence, int64_t position) {
  return guarded("strata_session_reset_sequence", [&] {
    strata::Session& held = required(session, "session").session;
    check_sequence(held, sequence, "sequence");
    held.reset_sequence(sequence, position);
  });
}

strata_status_code strata_session_forward_sequence(strata_session* session, int64_t sequence, const int32_t* tokens,
                                                   size_t token_count, strata_logits which, float* out_logits,
                                                   size_t capacity, size_t* out_count) {
  return guarded("strata_session_forward_sequence",
                 [&] { forward_into(session, sequence, tokens, token_count, which, out_logits, capacity, out_count); });
}

strata_status_code strata_session_decode(strata_session* session, const int64_t* sequences, const int32_t* tokens,
                                         size_t count, float* out_logits, size_t capacity, size_t* out_count) {
  return guarded("strata_session_decode", [&] {
    strata::Session& held = required(session, "session").session;
    size_t& written = required(out_count, "out_count");
    if (count > 0) {
      required(sequences, "sequences");
      required(tokens, "tokens");
    }
    // Each sequence in range and listed once, checked here to name the argument; the C++ layer
    // checks the tokens and the room in each cache.
    std::vector<std::size_t> first_listed(static_cast<std::size_t>(held.sequences()), count);
    for (std::size_t i = 0; i < count; ++i) {
      check_sequence(held, sequences[i], "sequences", i);
      std::size_t& first = first_listed[static_cast<std::size_t>(sequences[i])];
      if (first != count)
        throw ArgumentError(
            fmt::format("`sequences[{}]` and `sequences[{}]` are both {}: list each sequence at most once", first, i,
                        sequences[i]));
      first = i;
    }
    const auto vocab = static_cast<std::size_t>(held.graph().config.vocab_size);
    if (vocab > 0 && count > std::numeric_limits<std::size_t>::max() / vocab)
      throw ArgumentError(fmt::format("count {} is too large", count));
    const std::size_t needed = count * vocab;
    if (out_logits == nullptr) {
      written = needed;
      return;
    }
    if (capacity < needed)
      throw ArgumentError(
          fmt::format("out_logits holds {} floats; the logits of {} sequences need {}", capacity, count, needed));
    std::vector<strata::Session::SequenceToken> next(count);
    for (std::size_t i = 0; i < count; ++i) next[i] = {sequences[i], tokens[i]};
    const std::vector<float> logits = held.decode(next);
    std::copy(logits.begin(), logits.end(), out_logits);
    written = logits.size();
  });
}

}  // extern "C"
