// Every tensor of a checkpoint is a parameter of the model its config.json describes: files that
// hold more (more layers, a bias the config does not ask for) fail the open, naming the tensor,
// unless the caller allows them; rotary inverse frequencies, which some exports save, are fine.
#include "tiny_checkpoint.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace strata {
namespace {

using test::expect_open_fails;
using test::open_error;
using test::TempDir;
using test::tiny_config;
using test::tiny_tensors;
using test::write_checkpoint;

const std::filesystem::path models = STRATA_SAMPLE_MODELS_DIR;

std::vector<test::TestTensor> with(std::vector<test::TestTensor> tensors, const test::TestTensor& extra) {
  tensors.push_back(extra);
  return tensors;
}

TEST(CheckpointTensors, AnExtraTensorFailsTheOpenNamingIt) {
  TempDir dir;
  write_checkpoint(dir.path(), with(tiny_tensors(), test::ramp_tensor("model.extra.weight", "F32", {4})));
  expect_open_fails(dir.path(), {"model.safetensors", "tensor 'model.extra.weight' is not used", "1 unused in all",
                                 "allow_unused_tensors"});
}

TEST(CheckpointTensors, ABiasTheConfigDoesNotAskForFailsTheOpen) {
  TempDir dir;
  write_checkpoint(dir.path(),
                   with(tiny_tensors(), test::ramp_tensor("model.layers.0.self_attn.q_proj.bias", "F32", {8})));
  expect_open_fails(dir.path(), {"tensor 'model.layers.0.self_attn.q_proj.bias' is not used"});
}

TEST(CheckpointTensors, MoreLayersThanTheConfigSaysFailTheOpen) {
  TempDir dir;
  const std::string four_layers =
      std::regex_replace(tiny_config, std::regex("\"num_hidden_layers\": 2"), "\"num_hidden_layers\": 4");
  write_checkpoint(dir.path(), test::tensors_for(build_model_graph(parse_model_config(four_layers))));
  test::write_text(dir.path() / "config.json", tiny_config);  // the config says 2
  expect_open_fails(dir.path(), {"is not used", "18 unused in all", "model.layers.2.", "and 13 more"});
}

TEST(CheckpointTensors, TheCallerMayAllowUnusedTensors) {
  TempDir dir;
  write_checkpoint(dir.path(), with(tiny_tensors(), test::ramp_tensor("model.extra.weight", "F32", {4})));
  CheckpointOptions options;
  options.allow_unused_tensors = true;
  const Checkpoint checkpoint = Checkpoint::open(dir.path(), options);
  EXPECT_EQ(checkpoint.graph().units.size(), 5u);
}

TEST(CheckpointTensors, RotaryInverseFrequenciesOfTheRightShapeAreAccepted) {
  // head_dim 4: two frequencies.
  TempDir per_layer;
  std::vector<test::TestTensor> tensors = tiny_tensors();
  tensors.push_back(test::ramp_tensor("model.layers.0.self_attn.rotary_emb.inv_freq", "F32", {2}));
  tensors.push_back(test::ramp_tensor("model.layers.1.self_attn.rotary_emb.inv_freq", "F32", {2}));
  tensors.push_back(test::ramp_tensor("model.rotary_emb.inv_freq", "F32", {2}));
  write_checkpoint(per_layer.path(), tensors);
  EXPECT_NO_THROW(Checkpoint::open(per_layer.path()));

  TempDir wrong_shape;
  write_checkpoint(wrong_shape.path(),
                   with(tiny_tensors(), test::ramp_tensor("model.rotary_emb.inv_freq", "F32", {3})));
  expect_open_fails(wrong_shape.path(), {"tensor 'model.rotary_emb.inv_freq' is not used"});

  TempDir past_the_layers;
  write_checkpoint(past_the_layers.path(),
                   with(tiny_tensors(), test::ramp_tensor("model.layers.2.self_attn.rotary_emb.inv_freq", "F32", {2})));
  expect_open_fails(past_the_layers.path(), {"tensor 'model.layers.2.self_attn.rotary_emb.inv_freq' is not used"});
}

TEST(CheckpointTensors, AHeadBesideTiedEmbeddingsIsUnused) {
  const std::string tied =
      std::regex_replace(tiny_config, std::regex("\"dtype\""), "\"tie_word_embeddings\": true, \"dtype\"");
  TempDir absent;  // as transformers saves it: no lm_head.weight
  write_checkpoint(absent.path(), test::tensors_for(build_model_graph(parse_model_config(tied))), tied);
  EXPECT_NO_THROW(Checkpoint::open(absent.path()));

  TempDir present;
  write_checkpoint(present.path(), tiny_tensors(), tied);  // holds lm_head.weight too
  expect_open_fails(present.path(), {"tensor 'lm_head.weight' is not used"});
}

TEST(CheckpointTensors, TheSampleCheckpointsUseEveryTensor) {
  for (const char* name : {"tiny-llama-pystdlib", "tiny-qwen2-random"}) {
    const Checkpoint checkpoint = Checkpoint::open(models / name);
    std::size_t tensors = 0;
    for (const SafetensorsFile& file : checkpoint.files()) tensors += file.header().tensors.size();
    std::set<std::string> parameters;
    for (const Unit& unit : checkpoint.graph().units)
      for (const ParameterInfo& parameter : unit.parameters) parameters.insert(parameter.name);
    EXPECT_EQ(tensors, parameters.size()) << name;
  }
}

}  // namespace
}  // namespace strata
