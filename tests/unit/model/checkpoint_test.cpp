// Opening checkpoint folders: the two sample checkpoints (sharded bf16, single-file f32), and
// broken folders whose every error names the file and the tensor at fault.
#include "tiny_checkpoint.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>

#include <cstring>

namespace strata {
namespace {

using test::expect_open_fails;
using test::TempDir;
using test::TestTensor;
using test::tiny_config;
using test::tiny_tensors;
using test::write_checkpoint;

const std::filesystem::path models = STRATA_SAMPLE_MODELS_DIR;

TEST(Checkpoint, OpensTheShardedBf16DemoModel) {
  const Checkpoint checkpoint = Checkpoint::open(models / "tiny-llama-pystdlib");
  EXPECT_EQ(checkpoint.files().size(), 2u);
  EXPECT_EQ(checkpoint.config().num_hidden_layers, 8);
  for (const Unit& unit : checkpoint.graph().units)
    for (const ParameterInfo& parameter : unit.parameters) EXPECT_EQ(parameter.dtype, DType::bf16) << parameter.name;

  const Checkpoint::Entry head = checkpoint.at("lm_head.weight");
  EXPECT_EQ(head.file->path().filename(), "model-00002-of-00002.safetensors");
  const std::span<const std::byte> bytes = head.file->data(*head.tensor);
  EXPECT_EQ(bytes.size(), 256u * 256u * 2u);
  EXPECT_GE(bytes.data(), head.file->mapping().data());
  EXPECT_LE(bytes.data() + bytes.size(), head.file->mapping().data() + head.file->mapping().size());
  // Real weights: not all zero.
  bool any = false;
  for (std::byte b : bytes) any = any || b != std::byte{0};
  EXPECT_TRUE(any);
  EXPECT_FALSE(checkpoint.find("model.layers.8.mlp.up_proj.weight").has_value());
  EXPECT_THROW(checkpoint.at("nope"), Error);
}

TEST(Checkpoint, OpensTheSingleFileQwen2) {
  const Checkpoint checkpoint = Checkpoint::open(models / "tiny-qwen2-random");
  EXPECT_EQ(checkpoint.files().size(), 1u);
  EXPECT_EQ(checkpoint.graph().units.back().parameters[0].dtype, DType::f32);
  EXPECT_FALSE(checkpoint.find("lm_head.weight").has_value());  // tied
}

TEST(Checkpoint, CheckpointWeightsStreamTheMappedBytes) {
  const Checkpoint checkpoint = Checkpoint::open(models / "tiny-qwen2-random");
  const CheckpointWeights weights(checkpoint);
  const ParameterInfo& norm = checkpoint.graph().units[1].parameters[0];
  std::vector<std::byte> read;
  weights.read(norm, [&](std::span<const std::byte> piece) { read.insert(read.end(), piece.begin(), piece.end()); });
  const Checkpoint::Entry entry = checkpoint.at(norm.name);
  ASSERT_EQ(read.size(), entry.tensor->bytes());
  EXPECT_EQ(std::memcmp(read.data(), entry.file->data(*entry.tensor).data(), read.size()), 0);
  const auto mapped = weights.mapped(norm);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->region.data(), entry.file->mapping().data());
  EXPECT_EQ(std::memcmp(mapped->region.data() + mapped->offset, read.data(), read.size()), 0);
}

TEST(Checkpoint, AValidHandWrittenCheckpointOpens) {
  TempDir dir;
  write_checkpoint(dir.path(), tiny_tensors());
  const Checkpoint checkpoint = Checkpoint::open(dir.path());
  EXPECT_EQ(checkpoint.graph().units.size(), 5u);
}

TEST(Checkpoint, NamesAMissingTensor) {
  TempDir dir;
  auto tensors = tiny_tensors();
  tensors.erase(std::find_if(tensors.begin(), tensors.end(),
                             [](const TestTensor& t) { return t.name == "model.layers.1.mlp.up_proj.weight"; }));
  write_checkpoint(dir.path(), tensors);
  expect_open_fails(dir.path(), {"model.layers.1.mlp.up_proj.weight", "missing", dir.path().string()});
}

TEST(Checkpoint, NamesATensorOfTheWrongShapeOrDtype) {
  TempDir dir;
  auto tensors = tiny_tensors();
  for (TestTensor& tensor : tensors)
    if (tensor.name == "model.layers.0.self_attn.k_proj.weight") tensor = test::ramp_tensor(tensor.name, "F32", {8, 8});
  write_checkpoint(dir.path(), tensors);
  expect_open_fails(dir.path(), {"model.safetensors", "model.layers.0.self_attn.k_proj.weight", "[8, 8]", "[4, 8]"});

  TempDir ints;
  tensors = tiny_tensors();
  tensors[0].dtype = "I32";
  write_checkpoint(ints.path(), tensors);
  expect_open_fails(ints.path(), {"model.safetensors", tensors[0].name, "I32"});
}

TEST(Checkpoint, NamesAMalformedFile) {
  TempDir dir;
  test::write_text(dir.path() / "config.json", tiny_config);
  // Cut short inside its first entry (entries are checked in the order they come).
  test::write_file(dir.path() / "model.safetensors", test::make_raw_safetensors("{\"w\": {\"dtype\": \"F32\", ", 0));
  expect_open_fails(dir.path(), {"model.safetensors", "not valid JSON"});
}

TEST(Checkpoint, ChecksTheShardIndex) {
  auto write_index = [](const std::filesystem::path& dir, const std::string& weight_map) {
    test::write_text(dir / "config.json", tiny_config);
    test::write_text(dir / "model.safetensors.index.json", R"({"metadata": {}, "weight_map": )" + weight_map + "}");
  };
  TempDir absent;
  write_index(absent.path(), R"({"model.norm.weight": "model-00001-of-00001.safetensors"})");
  expect_open_fails(absent.path(), {"model-00001-of-00001.safetensors"});

  TempDir escape;
  write_index(escape.path(), R"({"model.norm.weight": "../elsewhere.safetensors"})");
  expect_open_fails(escape.path(), {"model.norm.weight", "not a file name in this folder"});

  TempDir wrong_file;
  write_index(wrong_file.path(), R"({"model.norm.weight": "a.safetensors"})");
  test::write_file(wrong_file.path() / "a.safetensors", test::make_safetensors({test::ramp_tensor("x", "F32", {2})}));
  expect_open_fails(wrong_file.path(), {"model.safetensors.index.json", "model.norm.weight", "a.safetensors"});

  TempDir malformed;
  write_index(malformed.path(), "[]");
  expect_open_fails(malformed.path(), {"model.safetensors.index.json", "weight_map"});

  // Split the tiny model over two shards: it opens, each tensor from its own file.
  TempDir sharded;
  auto tensors = tiny_tensors();
  const auto half = tensors.begin() + static_cast<std::ptrdiff_t>(tensors.size() / 2);
  std::vector<TestTensor> first(tensors.begin(), half), second(half, tensors.end());
  std::string map = "{";
  for (const TestTensor& t : first) map += "\"" + t.name + "\": \"one.safetensors\",";
  for (const TestTensor& t : second) map += "\"" + t.name + "\": \"two.safetensors\",";
  map.back() = '}';
  write_index(sharded.path(), map);
  test::write_file(sharded.path() / "one.safetensors", test::make_safetensors(first));
  test::write_file(sharded.path() / "two.safetensors", test::make_safetensors(second));
  const Checkpoint checkpoint = Checkpoint::open(sharded.path());
  EXPECT_EQ(checkpoint.files().size(), 2u);
  EXPECT_EQ(checkpoint.at(second.front().name).file->path().filename(), "two.safetensors");
}

TEST(Checkpoint, NamesAFolderWithoutWeightsOrConfig) {
  TempDir empty;
  expect_open_fails(empty.path(), {"config.json"});
  TempDir config_only;
  test::write_text(config_only.path() / "config.json", tiny_config);
  expect_open_fails(config_only.path(), {"model.safetensors", "model.safetensors.index.json"});
  expect_open_fails(config_only.path() / "nowhere", {"nowhere"});
}

}  // namespace
}  // namespace strata
