// A session's steps: the rows of one step through the units, stage by stage (a stage is a run of
// consecutive units on one slot: a target's device), with the residual stream staged through the
// host between devices; and decode steps pipelined over the stages, micro-batch after micro-batch.
#pragma once

#include "model/unit_ops.hpp"
#include "session_state.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace strata::detail {

// One step's rows: their tokens and positions, and the sequences they belong to.
struct StepRows {
  std::span<const std::int32_t> tokens;
  std::vector<std::int32_t> positions;  // of each row in its sequence
  std::vector<SequenceRows> sequences;
};

// The runs of consecutive units on one slot, in order.
std::vector<Stage> stages_of(const std::vector<UnitState>& units);

// Runs one step of at most the session's batch of tokens and checks its logits; writes the logits
// of the last `rows` rows to `logits` (none when rows is 0: a prompt piece whose logits nobody
// asked for stops after the last layer). Logits found not finite are searched for the first unit
// whose output is not, and the step throws naming it.
void run_checked_step(Session::State& state, const StepRows& rows_of_step, std::int64_t rows, float* logits);

// Whether decode steps of this session can be pipelined: more than one micro-batch asked for, and
// more than one stage, each with a slot of its own (a slot in two stages would have its working
// buffers used by two micro-batches at once).
bool can_pipeline(const Session::State& state);

// Runs the decode micro-batches (every row's logits wanted) through the stages at once: while
// stage k runs micro-batch i, stage k + 1 runs micro-batch i - 1, each stage's device driven by a
// thread of its own. Writes micro-batch i's logits at logits + (its first row) x vocab. Logits
// found not finite are searched as run_checked_step does, one micro-batch after another.
void run_pipelined_decode(Session::State& state, std::span<const StepRows> micro_batches, float* logits);

}  // namespace strata::detail
