// The smallest program that embeds Strata: open a Hugging Face checkpoint, place it on the
// devices of this machine, generate; then build a model by hand (no checkpoint at all) with a
// unit of your own, and run it.
//
//   strata_embed_example [CHECKPOINT_DIR]
#include <strata/checkpoint.hpp>
#include <strata/generate.hpp>
#include <strata/model.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata/strata.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

// Part 1: checkpoint -> plan -> session -> tokens.
void generate_from_checkpoint(const strata::Runtime& runtime, const std::string& model_dir) {
  const strata::Checkpoint checkpoint = strata::Checkpoint::open(model_dir);  // config.json + safetensors, mmap'd

  // Let the balanced planner spread the units over every device found (as device_map="auto").
  std::vector<strata::DeviceInfo> devices;
  for (const strata::Device& device : runtime.devices()) devices.push_back(device.info());
  strata::PlanOptions plan_options;
  plan_options.workload.context_length = 256;
  const strata::PlanResult plan = strata::plan(checkpoint.graph(), devices, "auto", plan_options);

  strata::SessionOptions options;
  options.context_length = 256;
  strata::Session session(runtime, checkpoint, plan.targets, options);
  for (const strata::TargetPlacement& target : session.placement())
    std::printf("%-10s %zu units, %s of weights\n", target.target.c_str(), target.units.size(),
                strata::format_size(target.weight_bytes + target.mapped_bytes).c_str());

  // The demo model's vocabulary is the 256 byte values: text in, text out.
  const std::string prompt = "class Point:\n    def __init__(self";
  strata::GenerateOptions generation;
  generation.max_new_tokens = 48;
  const strata::GenerationResult result = strata::generate(session, strata::text_to_byte_tokens(prompt), generation);
  std::printf("%s%s\n[decode: %.0f tokens/s]\n\n", prompt.c_str(), strata::byte_tokens_to_text(result.tokens).c_str(),
              result.decode_tokens_per_second());
}

// Part 2: a model described in code. build_model_graph() lays out the Llama units with Hugging
// Face's names; we add a custom unit between two layers and give it an executor made of ops.
void run_hand_built_model(const strata::Runtime& runtime) {
  strata::ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = 128;
  config.hidden_size = 64;
  config.intermediate_size = 128;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.num_key_value_heads = 2;
  config.head_dim = 16;
  config.max_position_embeddings = 128;
  config.dtype = strata::DType::f32;
  strata::ModelGraph graph = strata::build_model_graph(config);

  strata::Unit gain;  // scales the residual stream by a learned vector
  gain.name = "my_model.gain";
  gain.kind = strata::UnitKind::custom;
  gain.parameters.push_back({"my_model.gain.weight", strata::DType::f32, strata::Shape{64}});
  gain.flops_per_token = 64;  // what planners read
  gain.weight_bytes_read_per_token = gain.parameter_bytes();
  gain.activation_bytes = 64 * sizeof(float);
  graph.units.insert(graph.units.begin() + 2, gain);  // after model.layers.0
  strata::validate_model_graph(graph);                // names, order, shapes

  // Weights: the Llama parameters from a deterministic generator, ours from memory.
  strata::HostWeights weights;
  const strata::RandomWeights random(/*seed=*/7);
  for (const strata::Unit& unit : graph.units) {
    for (const strata::ParameterInfo& parameter : unit.parameters) {
      if (unit.kind == strata::UnitKind::custom) continue;
      std::vector<std::byte> bytes;
      random.read(parameter,
                  [&](std::span<const std::byte> piece) { bytes.insert(bytes.end(), piece.begin(), piece.end()); });
      weights.set(parameter.name, std::move(bytes));
    }
  }
  weights.set_f32("my_model.gain.weight", std::vector<float>(64, 0.5f));

  strata::SessionOptions options;
  options.custom_units["my_model.gain"] = [](const strata::CustomUnitContext& context) {
    context.queue.submit(strata::ops::mul(context.input, context.weights.at("my_model.gain.weight"), context.output));
  };
  // One target per unit: here the first half on the CPU, the rest on the last device found
  // (the CPU again on a machine without GPUs); activations cross devices by themselves.
  std::vector<std::string> targets(graph.units.size(), "cpu");
  for (std::size_t i = targets.size() / 2; i < targets.size(); ++i) targets[i] = runtime.devices().back().name();
  strata::Session session(runtime, graph, weights, targets, options);

  const std::vector<std::int32_t> tokens = {1, 2, 3, 4, 5};
  const std::vector<float> logits = session.forward(tokens);
  const auto best = std::max_element(logits.begin(), logits.end()) - logits.begin();
  std::printf("hand-built model on %s + %s: next token %td (logit %.4f)\n", targets.front().c_str(),
              targets.back().c_str(), best, static_cast<double>(logits[static_cast<std::size_t>(best)]));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const strata::Runtime runtime;  // loads the installed backend plugins
    generate_from_checkpoint(runtime, argc > 1 ? argv[1] : STRATA_EMBED_DEFAULT_MODEL);
    run_hand_built_model(runtime);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}
