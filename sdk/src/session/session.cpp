// Session: sequences through a loaded model's units, in order, moving the residual stream between
// devices where consecutive units live apart; one sequence's tokens per forward(), the next token
// of several sequences per decode() step.
#include "session_checks.hpp"
#include "session_state.hpp"
#include "steps.hpp"
#include "unit_runner.hpp"

#include <strata/error.hpp>
#include <strata/model.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace strata {

Session::State::~State() {
  // Work still queued may read any buffer: let it end before the buffers go.
  for (auto& slot : slots) {
    try {
      slot->queue.finish();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a failed step already reported its error
    }
  }
}

namespace {

using detail::DeviceSlot;
using detail::UnitState;

[[noreturn]] void invalid(const std::string& message) { throw Error(StatusCode::invalid_argument, message); }

DeviceSlot& slot_for(Session::State& state, const std::string& target, const Device& device) {
  for (auto& slot : state.slots)
    if (slot->target == target) return *slot;
  auto slot = std::make_unique<DeviceSlot>(target, device);
  slot->capacity = state.batch;
  slot->sequences = static_cast<std::int64_t>(state.positions.size());
  slot->kv_dtype = detail::kv_storage_dtype(device.info(), state.kv_dtype);
  state.slots.push_back(std::move(slot));
  return *state.slots.back();
}

void check_cancelled(const Session::State& state, const Unit& unit) {
  if (state.options.cancel.cancelled())
    throw Error(
        StatusCode::cancelled,
        fmt::format("making the session was cancelled at unit '{}'; everything it allocated is released", unit.name));
}

// A slot per target the units use, and each decoder layer's KV cache on its device.
void add_units(Session::State& state) {
  const LoadedModel::State& model = *state.model;
  state.units.reserve(model.units.size());
  for (const detail::LoadedUnit& loaded : model.units) {
    const Unit& unit = *loaded.unit;
    check_cancelled(state, unit);
    UnitState& added = state.units.emplace_back();
    added.loaded = &loaded;
    added.slot = &slot_for(state, loaded.target, loaded.device->device);
    if (unit.kind == UnitKind::custom) added.custom = state.options.custom_units.find(unit.name)->second;
    if (unit.kind != UnitKind::decoder_layer) continue;
    try {
      detail::allocate_kv_caches(added, model.graph.config, state.context,
                                 static_cast<std::int64_t>(state.positions.size()), state.options.before_allocate);
    } catch (const Error& error) {
      throw Error(error.code(), fmt::format("allocating the KV cache of unit '{}' on {}: {}", unit.name, loaded.target,
                                            error.what()));
    }
  }
}

// What the constructors that load do before a session is made: the session's checks, then a
// model of its own. A session refused for its options or devices allocates nothing.
LoadedModel load_for_session(const Runtime& runtime, ModelGraph graph, const WeightSource& weights,
                             std::vector<std::string> targets, const SessionOptions& options) {
  validate_model_graph(graph);
  detail::check_targets(graph, targets);
  const detail::SessionSizes sizes = detail::session_sizes(graph, options);
  std::vector<Device> devices;
  for (const std::string& target : targets) devices.push_back(detail::device_of(runtime, target));
  detail::check_devices_run_their_units(graph, targets, devices, sizes);
  return LoadedModel(runtime, std::move(graph), weights, std::move(targets),
                     LoadOptions{options.on_progress, options.cancel, options.before_allocate});
}

}  // namespace

Session::Session(const LoadedModel& model, SessionOptions options) : state_(std::make_unique<State>()) {
  State& state = *state_;
  state.model = model.state();
  state.options = std::move(options);
  const ModelGraph& graph = state.graph();
  const detail::SessionSizes sizes = detail::session_sizes(graph, state.options);
  state.context = sizes.context;
  state.batch = sizes.batch;
  state.positions.assign(static_cast<std::size_t>(sizes.sequences), 0);
  state.kv_dtype = sizes.kv_dtype;
  std::vector<Device> devices;
  for (const detail::LoadedUnit& unit : state.model->units) devices.push_back(unit.device->device);
  detail::check_devices_run_their_units(graph, state.model->targets, devices, sizes);
  add_units(state);
  state.stages = detail::stages_of(state.units);
  for (auto& slot : state.slots) {
    try {
      detail::prepare_slot(*slot, graph.config, state.units, state.options.before_allocate);
      slot->queue.finish();  // a failed write reports here, not at the first step
    } catch (const Error& error) {
      throw Error(error.code(), fmt::format("preparing {}: {}", slot->device.name(), error.what()));
    }
  }
}

// The options are read by both arguments, so they are copied, not moved: the order in which the
// arguments are made is unspecified.
Session::Session(const Runtime& runtime, ModelGraph graph, const WeightSource& weights,
                 std::vector<std::string> targets, SessionOptions options)
    : Session(load_for_session(runtime, std::move(graph), weights, std::move(targets), options), options) {}

Session::Session(const Runtime& runtime, const Checkpoint& checkpoint, std::vector<std::string> targets,
                 SessionOptions options)
    : Session(runtime, checkpoint.graph(), CheckpointWeights(checkpoint), std::move(targets), std::move(options)) {}

Session::Session(const Runtime& runtime, const Checkpoint& checkpoint, const DeviceMap& device_map,
                 SessionOptions options)
    : Session(runtime, checkpoint, device_map.resolve(checkpoint.graph()), std::move(options)) {}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

namespace {

using detail::StepRows;

void check_sequence(const Session::State& state, std::string_view what, std::int64_t sequence) {
  const auto count = static_cast<std::int64_t>(state.positions.size());
  if (sequence < 0 || sequence >= count)
    invalid(fmt::format("{}: sequence {} is outside 0..{} (SessionOptions::sequences is {})", what, sequence, count - 1,
                        count));
}

void check_token(const ModelConfig& config, std::string_view what, std::int32_t token, std::size_t index) {
  if (token < 0 || token >= config.vocab_size)
    invalid(fmt::format("{}: token {} at index {} is outside the vocabulary of {} tokens", what, token, index,
                        config.vocab_size));
}

}  // namespace

std::vector<float> Session::forward(std::span<const std::int32_t> tokens, Logits which) {
  return forward(0, tokens, which);
}

std::vector<float> Session::forward(std::int64_t sequence, std::span<const std::int32_t> tokens, Logits which) {
  State& state = *state_;
  const ModelConfig& config = state.graph().config;
  check_sequence(state, "forward", sequence);
  std::int64_t& position = state.positions[static_cast<std::size_t>(sequence)];
  const auto count = static_cast<std::int64_t>(tokens.size());
  if (count == 0) invalid("forward: no tokens given");
  if (position + count > state.context)
    invalid(fmt::format("forward: the context holds {} tokens; {} are in use and {} more do not fit", state.context,
                        position, count));
  for (std::size_t i = 0; i < tokens.size(); ++i) check_token(config, "forward", tokens[i], i);

  std::vector<float> logits(static_cast<std::size_t>((which == Logits::all ? count : 1) * config.vocab_size));
  for (std::int64_t start = 0; start < count; start += state.batch) {
    const std::int64_t piece = std::min(state.batch, count - start);
    const bool last_piece = start + piece == count;
    const std::int64_t rows = which == Logits::all ? piece : (last_piece ? 1 : 0);
    float* out = logits.data() + (which == Logits::all ? start * config.vocab_size : 0);
    StepRows step;
    step.tokens = tokens.subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(piece));
    step.positions.resize(static_cast<std::size_t>(piece));
    std::iota(step.positions.begin(), step.positions.end(), static_cast<std::int32_t>(position + start));
    step.sequences = {{sequence, piece, position + start}};
    detail::run_checked_step(state, step, rows, out);
  }
  position += count;
  return logits;
}

std::vector<float> Session::decode(std::span<const SequenceToken> next) {
  State& state = *state_;
  const ModelConfig& config = state.graph().config;
  if (next.empty()) invalid("decode: no sequences given");
  std::vector<bool> listed(state.positions.size());
  for (std::size_t i = 0; i < next.size(); ++i) {
    const SequenceToken& entry = next[i];
    check_sequence(state, "decode", entry.sequence);
    const auto index = static_cast<std::size_t>(entry.sequence);
    if (listed[index]) invalid(fmt::format("decode: sequence {} is listed twice; give each at most once", index));
    listed[index] = true;
    if (state.positions[index] + 1 > state.context)
      invalid(fmt::format("decode: sequence {} holds {} tokens, the whole context; reset it to go on", index,
                          state.positions[index]));
    check_token(config, "decode", entry.token, i);
  }

  const auto count = static_cast<std::int64_t>(next.size());
  std::vector<float> logits(static_cast<std::size_t>(count * config.vocab_size));
  std::vector<std::int32_t> tokens(next.size());
  for (std::size_t i = 0; i < next.size(); ++i) tokens[i] = next[i].token;
  // Steps of at most the session's batch; pipelined, the sequences are shared out over at least
  // micro_batches of them.
  const bool pipelined = detail::can_pipeline(state) && count > 1;
  const std::int64_t parts = pipelined ? std::min(count, state.options.micro_batches) : 1;
  const std::int64_t piece_size = std::min(state.batch, (count + parts - 1) / parts);
  std::vector<StepRows> steps;
  for (std::int64_t start = 0; start < count; start += piece_size) {
    const std::int64_t piece = std::min(piece_size, count - start);
    StepRows& step = steps.emplace_back();
    step.tokens = std::span(tokens).subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(piece));
    for (const SequenceToken& entry : next.subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(piece))) {
      const std::int64_t position = state.positions[static_cast<std::size_t>(entry.sequence)];
      step.positions.push_back(static_cast<std::int32_t>(position));
      step.sequences.push_back({entry.sequence, 1, position});
    }
  }
  if (pipelined && steps.size() > 1) {
    detail::run_pipelined_decode(state, steps, logits.data());
  } else {
    float* out = logits.data();
    for (const StepRows& step : steps) {
      const auto piece = static_cast<std::int64_t>(step.tokens.size());
      detail::run_checked_step(state, step, piece, out);
      out += piece * config.vocab_size;
    }
  }
  // Every step ran: only now do the sequences move on (a failed step leaves cache rows past each
  // position, which the next step overwrites).
  for (const SequenceToken& entry : next) ++state.positions[static_cast<std::size_t>(entry.sequence)];
  return logits;
}

void Session::reset(std::int64_t position) { reset_sequence(0, position); }

void Session::reset_sequence(std::int64_t sequence, std::int64_t position) {
  check_sequence(*state_, "reset", sequence);
  std::int64_t& current = state_->positions[static_cast<std::size_t>(sequence)];
  if (position < 0 || position > current)
    invalid(fmt::format("reset: position {} is outside 0..{}", position, current));
  current = position;
}

std::int64_t Session::position() const { return state_->positions.front(); }

std::int64_t Session::position_of(std::int64_t sequence) const {
  check_sequence(*state_, "position_of", sequence);
  return state_->positions[static_cast<std::size_t>(sequence)];
}

std::int64_t Session::sequences() const { return static_cast<std::int64_t>(state_->positions.size()); }
std::int64_t Session::context_length() const { return state_->context; }
const ModelGraph& Session::graph() const { return state_->graph(); }
const std::vector<std::string>& Session::targets() const { return state_->model->targets; }
const CancelToken& Session::cancel_token() const { return state_->options.cancel; }

// The model's weights, and this session's KV caches on each target.
std::vector<TargetPlacement> Session::placement() const {
  std::vector<TargetPlacement> placements = detail::weight_placement(*state_->model);
  for (const UnitState& unit : state_->units) {
    if (unit.key_caches.empty()) continue;
    const auto it = std::find_if(placements.begin(), placements.end(),
                                 [&](const TargetPlacement& p) { return p.target == unit.loaded->target; });
    for (const Tensor& cache : unit.key_caches) it->kv_bytes += cache.bytes();
    for (const Tensor& cache : unit.value_caches) it->kv_bytes += cache.bytes();
  }
  return placements;
}

}  // namespace strata
