// A checkpoint whose file is truncated while a process uses it: loading (pread) and generating
// from "disk" (the mapping) fail with an Error naming the file, never a SIGBUS, whether the file
// shrinks before the load, between the load and a step, or in the middle of a step.
#include "demo_suite.hpp"
#include "golden.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/log.hpp>
#include <strata/model.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>

namespace strata {
namespace {

namespace fs = std::filesystem;

class ChangedCheckpoint : public testing::Test {
 protected:
  static void SetUpTestSuite() { runtime_ = std::make_unique<Runtime>(); }
  static void TearDownTestSuite() { runtime_.reset(); }

  // A copy of the f32 Qwen2 sample (one file), which this test may damage.
  void SetUp() override {
    for (const char* name : {"config.json", "model.safetensors"})
      fs::copy_file(test::sample_model("tiny-qwen2-random") / name, dir_.path() / name);
    checkpoint_ = std::make_unique<Checkpoint>(Checkpoint::open(dir_.path()));
  }
  fs::path shard() const { return dir_.path() / "model.safetensors"; }
  // Keeps the header, loses every weight.
  void truncate_shard() const { fs::resize_file(shard(), checkpoint_->files().front().header().data_offset); }

  // The decoder layers on "disk", read through the mapping while generating; the rest on the CPU.
  static std::vector<std::string> layers_on_disk(const ModelGraph& graph) {
    std::vector<std::string> targets;
    for (const Unit& unit : graph.units) targets.push_back(unit.kind == UnitKind::decoder_layer ? "disk" : "cpu");
    return targets;
  }
  static SessionOptions small() {
    SessionOptions options;
    options.context_length = 64;
    return options;
  }
  void expect_names_the_shard(const std::function<void()>& action) const {
    try {
      action();
      ADD_FAILURE() << "no error";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(shard().string()), std::string::npos) << error.what();
    }
  }

  static std::unique_ptr<Runtime> runtime_;
  strata_test::TempDir dir_;
  std::unique_ptr<Checkpoint> checkpoint_;
};
std::unique_ptr<Runtime> ChangedCheckpoint::runtime_;

const std::vector<std::int32_t> prompt = {1, 2, 3, 4, 5};

TEST_F(ChangedCheckpoint, AShardTruncatedBeforeTheLoadFailsIt) {
  truncate_shard();
  const std::vector<std::string> on_cpu(checkpoint_->graph().units.size(), "cpu");
  expect_names_the_shard([&] { Session(*runtime_, *checkpoint_, on_cpu, small()); });
}

TEST_F(ChangedCheckpoint, AShardTruncatedAfterTheLoadFailsTheNextStepFromDisk) {
  Session session(*runtime_, *checkpoint_, layers_on_disk(checkpoint_->graph()), small());
  std::uint64_t mapped_bytes = 0;
  for (const TargetPlacement& target : session.placement()) mapped_bytes += target.mapped_bytes;
  ASSERT_GT(mapped_bytes, 0u) << "the CPU device computes on the mapping";
  GenerateOptions options;
  options.max_new_tokens = 2;
  EXPECT_EQ(generate(session, prompt, options).tokens.size(), 2u);
  truncate_shard();
  expect_names_the_shard([&] { generate(session, prompt, options); });
}

TEST_F(ChangedCheckpoint, AShardTruncatedInTheMiddleOfAStepFailsThatStep) {
  // A custom unit between the embedding and the first layer truncates the file: the layers after
  // it then read pages the file no longer has, in the same step.
  ModelGraph graph = checkpoint_->graph();
  test::insert_custom_unit(graph, 1, "test.truncate");
  SessionOptions options = small();
  options.custom_units["test.truncate"] = [this](const CustomUnitContext& context) {
    truncate_shard();
    context.queue.copy(*context.input.buffer, context.input.offset, *context.output.buffer, context.output.offset,
                       context.input.bytes());
  };
  const CheckpointWeights weights(*checkpoint_);
  Session session(*runtime_, graph, weights, layers_on_disk(graph), options);
  expect_names_the_shard([&] { session.forward(prompt); });
}

TEST_F(ChangedCheckpoint, MappedWeightsReadAsZerosOnceLostAndTheCheckSaysSo) {
  const CheckpointWeights weights(*checkpoint_);
  const ParameterInfo& down =
      *checkpoint_->graph().find("model.layers.3")->find_parameter("model.layers.3.mlp.down_proj.weight");
  const std::optional<WeightSource::Mapped> mapped = weights.mapped(down);
  ASSERT_TRUE(mapped && mapped->check);
  truncate_shard();
  const volatile std::byte* last = mapped->region.data() + mapped->offset + down.bytes() - 1;
  const std::byte value = *last;  // no SIGBUS
  EXPECT_EQ(value, std::byte{0});
  expect_names_the_shard([&] { mapped->check(); });
}

TEST(DiskPlacement, AWeightThatCannotBeReadFromTheFileAsItIsSaysSo) {
  // The sample's file with two more spaces of header: every f32 tensor then starts 2 bytes off its
  // element size, so "disk" must copy it into memory, and says so once for that reason.
  const strata_test::TempDir dir;
  fs::copy_file(test::sample_model("tiny-qwen2-random") / "config.json", dir.path() / "config.json");
  std::ifstream in(test::sample_model("tiny-qwen2-random") / "model.safetensors", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), sizeof(header_length));
  bytes.insert(8 + header_length, "  ");
  header_length += 2;
  std::memcpy(bytes.data(), &header_length, sizeof(header_length));
  std::ofstream(dir.path() / "model.safetensors", std::ios::binary) << bytes;

  std::vector<std::string> warnings;
  set_log_sink([&](LogLevel level, std::string_view message) {
    if (level == LogLevel::warning) warnings.emplace_back(message);
  });
  const Runtime runtime;
  const Checkpoint checkpoint = Checkpoint::open(dir.path());
  std::vector<std::string> targets;
  for (const Unit& unit : checkpoint.graph().units)
    targets.push_back(unit.kind == UnitKind::decoder_layer ? "disk" : "cpu");
  SessionOptions options;
  options.context_length = 16;
  Session session(runtime, checkpoint, targets, options);
  set_log_sink({});
  std::size_t notes = 0;
  for (const std::string& warning : warnings)
    if (warning.find("is copied into host memory") != std::string::npos &&
        warning.find("not a multiple of the element size") != std::string::npos)
      ++notes;
  EXPECT_EQ(notes, 1u) << "one note for the reason, not one per weight";
  EXPECT_FALSE(session.forward(std::vector<std::int32_t>{1, 2}).empty());
}

}  // namespace
}  // namespace strata
