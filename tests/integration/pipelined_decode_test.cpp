// Pipelined micro-batches: with a model split over two devices, decode() runs micro-batch i on the
// second device while the first runs micro-batch i + 1; a failure in either stage fails the step
// and moves no sequence; placements that cannot be pipelined run the steps one after another.
// Custom units that take a known time show when the stages' work overlaps.
#include "demo_suite.hpp"
#include "golden.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace strata {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto unit_time = std::chrono::milliseconds(150);

// When a custom unit ran, for which sequence.
struct Interval {
  std::string unit;
  std::int64_t sequence = 0;
  Clock::time_point start, end;
};

bool overlap(const Interval& a, const Interval& b) { return a.start < b.end && b.start < a.end; }

class PipelinedDecode : public test::WithDemoModel<> {
 protected:
  // The demo model with a custom unit "first.wait" after the embedding and "second.wait" before
  // the final norm, each taking unit_time and recording when it ran.
  static ModelGraph graph_with_waits() {
    ModelGraph graph = checkpoint_->graph();
    test::insert_custom_unit(graph, 1, "first.wait");
    test::insert_custom_unit(graph, graph.units.size() - 2, "second.wait");
    return graph;
  }

  // Targets: the units before `split` on `before`, the rest on `after`.
  static std::vector<std::string> split_targets(const ModelGraph& graph, std::size_t split, const std::string& before,
                                                const std::string& after) {
    std::vector<std::string> targets(graph.units.size(), after);
    for (std::size_t i = 0; i < split; ++i) targets[i] = before;
    return targets;
  }

  SessionOptions options_recording(std::int64_t micro_batches, const std::string& failing_unit = "",
                                   std::int64_t failing_sequence = -1) {
    SessionOptions options;
    options.context_length = 64;
    options.sequences = 2;
    options.micro_batches = micro_batches;
    for (const char* name : {"first.wait", "second.wait"}) {
      options.custom_units[name] = [this, name, failing_unit, failing_sequence](const CustomUnitContext& context) {
        Interval interval{name, context.sequence, Clock::now(), {}};
        std::this_thread::sleep_for(unit_time);
        if (name == failing_unit && context.sequence == failing_sequence)
          throw std::runtime_error("the test's unit fails here");
        context.queue.submit(ops::copy(context.input, context.output));
        interval.end = Clock::now();
        const std::lock_guard lock(mutex_);
        intervals_.push_back(interval);
      };
    }
    return options;
  }

  const Interval& ran(const std::string& unit, std::int64_t sequence) const {
    for (const Interval& interval : intervals_)
      if (interval.unit == unit && interval.sequence == sequence) return interval;
    throw std::logic_error(unit + " never ran for sequence " + std::to_string(sequence));
  }

  std::mutex mutex_;
  std::vector<Interval> intervals_;
};

const std::vector<Session::SequenceToken> two_tokens = {{0, 40}, {1, 41}};

TEST_F(PipelinedDecode, TheSecondDeviceRunsOneMicroBatchWhileTheFirstRunsTheNext) {
  const ModelGraph graph = graph_with_waits();
  const LoadedModel model(*runtime_, graph, CheckpointWeights(*checkpoint_),
                          split_targets(graph, graph.units.size() / 2, "cpu", "sim:0"));
  Session session(model, options_recording(2));
  session.decode(two_tokens);
  // Micro-batch 0 is sequence 0, micro-batch 1 sequence 1: the second stage's work on sequence 0
  // runs while the first stage works on sequence 1.
  EXPECT_TRUE(overlap(ran("second.wait", 0), ran("first.wait", 1)));
  EXPECT_LE(ran("first.wait", 0).end, ran("second.wait", 0).start);
  EXPECT_LE(ran("first.wait", 1).end, ran("second.wait", 1).start);

  // Unpipelined, the same session's steps run one after another.
  Session serial(model, options_recording(1));
  intervals_.clear();
  serial.decode(two_tokens);
  EXPECT_FALSE(overlap(ran("second.wait", 0), ran("first.wait", 1)));
}

TEST_F(PipelinedDecode, ADeviceInTwoPlacesRunsTheStepsOneAfterAnother) {
  const ModelGraph graph = graph_with_waits();
  // cpu, then sim:0, then cpu again for the head: the cpu's buffers cannot serve two micro-batches.
  std::vector<std::string> targets = split_targets(graph, graph.units.size() / 2, "cpu", "sim:0");
  targets.back() = "cpu";
  const LoadedModel model(*runtime_, graph, CheckpointWeights(*checkpoint_), targets);
  Session session(model, options_recording(2));
  const std::vector<float> logits = session.decode(two_tokens);
  for (const Interval& a : intervals_)
    for (const Interval& b : intervals_)
      if (&a != &b) {
        EXPECT_FALSE(overlap(a, b)) << a.unit << " and " << b.unit << " overlap";
      }

  Session serial(model, options_recording(1));
  const std::vector<float> want = serial.decode(two_tokens);
  EXPECT_LE(test::max_abs_difference(logits, want.data(), want.size()), 1e-5f);
}

TEST_F(PipelinedDecode, AFailingStageFailsTheStepAndMovesNoSequence) {
  const ModelGraph graph = graph_with_waits();
  const LoadedModel model(*runtime_, graph, CheckpointWeights(*checkpoint_),
                          split_targets(graph, graph.units.size() / 2, "cpu", "sim:0"));
  for (const char* failing : {"first.wait", "second.wait"}) {
    Session session(model, options_recording(2, failing, 0));
    EXPECT_THROW(session.decode(two_tokens), std::exception) << failing;
    EXPECT_EQ(session.position_of(0), 0) << failing;
    EXPECT_EQ(session.position_of(1), 0) << failing;
    // The sequence that did not fail decodes on, and gets what an unpipelined session gets.
    const std::vector<float> logits = session.decode(std::vector<Session::SequenceToken>{{1, 41}});
    Session serial(model, options_recording(1));
    const std::vector<float> want = serial.decode(std::vector<Session::SequenceToken>{{1, 41}});
    EXPECT_LE(test::max_abs_difference(logits, want.data(), want.size()), 1e-5f) << failing;
    EXPECT_EQ(session.position_of(1), 1) << failing;
  }
}

TEST_F(PipelinedDecode, ACancelledStepThrowsCancelledAndMovesNoSequence) {
  const ModelGraph graph = graph_with_waits();
  const LoadedModel model(*runtime_, graph, CheckpointWeights(*checkpoint_),
                          split_targets(graph, graph.units.size() / 2, "cpu", "sim:0"));
  SessionOptions options = options_recording(2);
  CancelToken cancel = options.cancel;
  // The first stage's unit cancels the step while the pipeline runs.
  options.custom_units["first.wait"] = [cancel](const CustomUnitContext& context) {
    if (context.sequence == 1) cancel.cancel();
    context.queue.submit(ops::copy(context.input, context.output));
  };
  Session session(model, options);
  try {
    session.decode(two_tokens);
    ADD_FAILURE() << "a cancelled decode returned";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::cancelled) << error.what();
  }
  EXPECT_EQ(session.position_of(0), 0);
  EXPECT_EQ(session.position_of(1), 0);
}

}  // namespace
}  // namespace strata
