#include "steps.hpp"

#include "unit_runner.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <string>
#include <thread>

namespace strata::detail {
namespace {

bool all_finite(std::span<const float> values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

// With checks on, a step reads each unit's output back and stops at the first that is not
// finite, naming it: the search that follows logits found not finite.
struct UnitChecks {
  bool on = false;
  std::string first_bad;  // "model.layers.3 on vulkan:0", once found
};

bool output_finite(const Session::State& state, const UnitState& unit, std::int64_t count, std::int64_t rows) {
  const ModelConfig& config = state.graph().config;
  const bool head = unit.unit().kind == UnitKind::lm_head;
  std::vector<float> values(static_cast<std::size_t>(head ? rows * config.vocab_size : count * config.hidden_size));
  unit.slot->queue.read(head ? unit.slot->logits.buffer() : unit.slot->hidden.buffer(), 0,
                        std::as_writable_bytes(std::span(values)));
  return all_finite(values);
}

// "disk" units compute on the checkpoint's mappings: a file changed under them fails the step,
// naming the file, before it runs and once it has run (pages lost to a truncation in between
// read as zeros, never SIGBUS, and the step's result is thrown away).
void check_mapped_files(const Session::State& state) { state.model->mapped_files.check(); }

bool is_head(const UnitState& unit) {
  const UnitKind kind = unit.unit().kind;
  return kind == UnitKind::final_norm || kind == UnitKind::lm_head;
}

// The residual rows a stage takes from the stage before it (empty for the first stage, which
// embeds the tokens) and hands to the stage after it (null for the last stage to run).
struct StageIo {
  std::span<const std::byte> input;
  std::vector<std::byte>* output = nullptr;
};

// Submits the stage's units for one step; the last stage to run reads the logits of the last
// `rows` rows into `logits`. Returns false when checks found a unit's output not finite.
bool run_stage(Session::State& state, const Stage& stage, const StepRows& step_rows, std::int64_t rows, float* logits,
               StageIo io, UnitChecks& checks) {
  const ModelConfig& config = state.graph().config;
  const auto count = static_cast<std::int64_t>(step_rows.tokens.size());
  DeviceSlot& slot = *stage.slot;
  // Host staging between devices: the read that filled `input` waited for the producer; this
  // write orders the consumer.
  if (io.input.empty())
    slot.queue.write(slot.ids.buffer(), 0, std::as_bytes(step_rows.tokens));
  else
    slot.queue.write(slot.hidden.buffer(), 0, io.input);
  if (slot.positions.buffer())
    slot.queue.write(slot.positions.buffer(), 0, std::as_bytes(std::span(step_rows.positions)));
  const Step step{count, step_rows.sequences.front().n_past, rows, step_rows.sequences};
  for (std::size_t i = stage.first_unit; i < stage.end_unit; ++i) {
    UnitState& unit = state.units[i];
    if (rows == 0 && is_head(unit)) break;
    if (state.options.cancel.cancelled())
      throw Error(StatusCode::cancelled, fmt::format("forward at position {} was cancelled", step.n_past));
    run_unit(config, unit, step);
    if (checks.on && unit.unit().kind != UnitKind::embedding && !output_finite(state, unit, count, rows)) {
      checks.first_bad = fmt::format("{} on {}", unit.unit().name, slot.device.name());
      return false;
    }
  }
  if (io.output) {
    io.output->resize(static_cast<std::size_t>(count * config.hidden_size) * sizeof(float));
    slot.queue.read(slot.hidden.buffer(), 0, *io.output);
  } else if (rows > 0) {
    slot.queue.read(slot.logits.buffer(), 0,
                    std::as_writable_bytes(std::span(logits, static_cast<std::size_t>(rows * config.vocab_size))));
  }
  return true;
}

// Whether stage `index` is the last to run: the last stage, or the one before the head when no
// logits are wanted.
bool last_to_run(const Session::State& state, std::size_t index, std::int64_t rows) {
  if (index + 1 == state.stages.size()) return true;
  return rows == 0 && is_head(state.units[state.stages[index + 1].first_unit]);
}

void run_step(Session::State& state, const StepRows& step_rows, std::int64_t rows, float* logits, UnitChecks& checks) {
  std::vector<std::byte> staging;
  for (std::size_t s = 0; s < state.stages.size(); ++s) {
    const bool last = last_to_run(state, s, rows);
    const StageIo io{s == 0 ? std::span<const std::byte>() : std::span<const std::byte>(staging),
                     last ? nullptr : &staging};
    if (!run_stage(state, state.stages[s], step_rows, rows, logits, io, checks) || last) return;
  }
}

[[noreturn]] void throw_not_finite(const UnitChecks& checks, std::int64_t position) {
  throw Error(StatusCode::internal,
              checks.first_bad.empty()
                  ? fmt::format("forward: the logits at position {} are not finite (NaN or Inf), yet a re-run that "
                                "checked every unit's output found them all finite: a device computes differently "
                                "from one run to the next; run strata-cts on each device",
                                position)
                  : fmt::format("forward: the output of {} is not finite (NaN or Inf) at position {}: the first unit "
                                "to go wrong; run strata-cts on that device, or place the unit elsewhere",
                                checks.first_bad, position));
}

// Re-runs a step whose logits were not finite with every unit's output checked, and throws naming
// the first unit that went wrong. The re-run writes the same KV entries again, so the session
// stays as it was.
[[noreturn]] void search_not_finite(Session::State& state, const StepRows& step_rows, std::int64_t rows,
                                    float* logits) {
  UnitChecks checks;
  checks.on = true;
  run_step(state, step_rows, rows, logits, checks);
  throw_not_finite(checks, step_rows.positions.front());
}

}  // namespace

std::vector<Stage> stages_of(const std::vector<UnitState>& units) {
  std::vector<Stage> stages;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (stages.empty() || stages.back().slot != units[i].slot) stages.push_back({units[i].slot, i, i});
    stages.back().end_unit = i + 1;
  }
  return stages;
}

void run_checked_step(Session::State& state, const StepRows& step_rows, std::int64_t rows, float* logits) {
  const ModelConfig& config = state.graph().config;
  UnitChecks checks;
  check_mapped_files(state);
  run_step(state, step_rows, rows, logits, checks);
  check_mapped_files(state);
  if (!all_finite(std::span<const float>(logits, static_cast<std::size_t>(rows * config.vocab_size))))
    search_not_finite(state, step_rows, rows, logits);
}

bool can_pipeline(const Session::State& state) {
  if (state.options.micro_batches < 2 || state.stages.size() < 2) return false;
  for (std::size_t a = 0; a < state.stages.size(); ++a)
    for (std::size_t b = a + 1; b < state.stages.size(); ++b)
      if (state.stages[a].slot == state.stages[b].slot) return false;
  return true;
}

void run_pipelined_decode(Session::State& state, std::span<const StepRows> micro_batches, float* logits) {
  const ModelConfig& config = state.graph().config;
  const std::vector<Stage>& stages = state.stages;
  const std::size_t stage_count = stages.size();
  const std::size_t batch_count = micro_batches.size();
  std::vector<std::int64_t> first_row(batch_count, 0);
  for (std::size_t i = 1; i < batch_count; ++i)
    first_row[i] = first_row[i - 1] + static_cast<std::int64_t>(micro_batches[i - 1].tokens.size());
  // Stage s hands micro-batch i to stage s + 1 through handoff[s][i % 2]: at each tick stage s
  // writes one half while stage s + 1 reads the other.
  std::vector<std::array<std::vector<std::byte>, 2>> handoff(stage_count);
  // A stage's work on micro-batch `index`; the same checks object is never shared between threads.
  const auto run = [&](std::size_t s, std::size_t index) {
    const StepRows& step_rows = micro_batches[index];
    const auto rows = static_cast<std::int64_t>(step_rows.tokens.size());
    UnitChecks unchecked;
    const StageIo io{s == 0 ? std::span<const std::byte>() : std::span<const std::byte>(handoff[s - 1][index % 2]),
                     s + 1 == stage_count ? nullptr : &handoff[s][index % 2]};
    run_stage(state, stages[s], step_rows, rows, logits + first_row[index] * config.vocab_size, io, unchecked);
  };

  check_mapped_files(state);
  // Tick t runs micro-batch t - s on stage s, every stage at once; the tick ends when all have.
  for (std::size_t tick = 0; tick + 1 < batch_count + stage_count; ++tick) {
    std::vector<std::exception_ptr> errors(stage_count);
    const auto guarded = [&](std::size_t s) {
      if (tick < s || tick - s >= batch_count) return;
      try {
        run(s, tick - s);
      } catch (...) {
        errors[s] = std::current_exception();
      }
    };
    {
      std::vector<std::jthread> others;
      for (std::size_t s = 1; s < stage_count; ++s)
        if (tick >= s && tick - s < batch_count) others.emplace_back(guarded, s);
      guarded(0);
    }  // joins
    for (const std::exception_ptr& error : errors)
      if (error) std::rethrow_exception(error);
  }
  check_mapped_files(state);

  for (std::size_t i = 0; i < batch_count; ++i) {
    const auto rows = static_cast<std::int64_t>(micro_batches[i].tokens.size());
    float* out = logits + first_row[i] * config.vocab_size;
    if (!all_finite(std::span<const float>(out, static_cast<std::size_t>(rows * config.vocab_size))))
      search_not_finite(state, micro_batches[i], rows, out);
  }
}

}  // namespace strata::detail
