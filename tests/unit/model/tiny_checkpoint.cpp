#include "tiny_checkpoint.hpp"

#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>

namespace strata::test {

const std::string tiny_config = R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 16, "hidden_size": 8,
  "intermediate_size": 12, "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1,
  "max_position_embeddings": 32, "dtype": "float32"})";

std::vector<TestTensor> tiny_tensors() { return tensors_for(build_model_graph(parse_model_config(tiny_config))); }

void write_checkpoint(const std::filesystem::path& dir, const std::vector<TestTensor>& tensors,
                      const std::string& config) {
  write_text(dir / "config.json", config);
  write_file(dir / "model.safetensors", make_safetensors(tensors));
}

std::string open_error(const std::filesystem::path& dir, const CheckpointOptions& options) {
  try {
    Checkpoint::open(dir, options);
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "opened a broken checkpoint";
  return "(opened)";
}

void expect_open_fails(const std::filesystem::path& dir, std::initializer_list<std::string> parts) {
  const std::string message = open_error(dir);
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
}

}  // namespace strata::test
