// Writes a checkpoint for the `strata chat` tests: Qwen3's real tokenizer and chat template
// beside a one-layer Llama whose vocabulary matches it, with weights chosen so that greedy
// decoding answers any prompt with "Hello", "!" and then <|im_end|>:
//   - attention and MLP write nothing (o_proj and down_proj are zero), so the last hidden state
//     is the embedding of the last token;
//   - every token embeds as e0, except "Hello" as e1 and "!" as e2;
//   - lm_head rows: "Hello" = 10 e0, "!" = 10 e1, <|im_end|> = 10 e2; all others zero.
// So each token decides the next, and every reply is "Hello!" ended by the EOS token: the
// outputs mean nothing, but the template, the tokenizer, streaming, the stop at EOS and the
// history are all real.
//
//   make_chat_model OUT_DIR TOKENIZER_JSON TOKENIZER_CONFIG_JSON
#include "safetensors_builder.hpp"

#include <strata/model.hpp>
#include <strata/tokenizer.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using strata::test::TestTensor;

constexpr std::int64_t vocab = 151936;  // Qwen3's config.json pads the tokenizer's 151669

std::int32_t single_id(const strata::Tokenizer& tokenizer, const std::string& text) {
  const std::vector<std::int32_t> ids = tokenizer.encode(text, false);
  if (ids.size() != 1) throw std::runtime_error("\"" + text + "\" is not one token");
  return ids[0];
}

void set(TestTensor& tensor, std::int64_t row, std::int64_t column, float value) {
  std::memcpy(tensor.data.data() + (row * tensor.shape[1] + column) * 4, &value, 4);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: make_chat_model OUT_DIR TOKENIZER_JSON TOKENIZER_CONFIG_JSON\n");
    return 2;
  }
  try {
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    std::filesystem::copy_file(argv[2], out / "tokenizer.json", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(argv[3], out / "tokenizer_config.json",
                               std::filesystem::copy_options::overwrite_existing);
    const strata::Tokenizer tokenizer = strata::Tokenizer::from_file(out / "tokenizer.json");
    const std::int32_t hello = single_id(tokenizer, "Hello");
    const std::int32_t bang = single_id(tokenizer, "!");
    const std::int32_t im_end = *tokenizer.token_to_id("<|im_end|>");

    const std::string config = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama", "dtype": "float32",
  "vocab_size": 151936, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
  "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4, "max_position_embeddings": 2048,
  "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": false,
  "bos_token_id": 151643, "eos_token_id": 151645})";
    strata::test::write_text(out / "config.json", config);
    // Qwen3's own generation settings: sampling, but with logits this far apart (28 against 0)
    // the likeliest token is all but certain.
    strata::test::write_text(out / "generation_config.json", R"({
  "bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
  "temperature": 0.6, "top_k": 20, "top_p": 0.95})");

    const strata::ModelGraph graph = strata::build_model_graph(strata::parse_model_config(config));
    std::vector<TestTensor> tensors = strata::test::tensors_for(graph);
    for (TestTensor& tensor : tensors) {
      std::fill(tensor.data.begin(), tensor.data.end(), std::byte{0});
      const bool norm = tensor.name.ends_with("norm.weight");
      if (norm)
        for (std::int64_t i = 0; i < tensor.shape[0]; ++i) {
          const float one = 1.0f;
          std::memcpy(tensor.data.data() + i * 4, &one, 4);
        }
      if (tensor.name == "model.embed_tokens.weight") {
        for (std::int64_t token = 0; token < vocab; ++token) set(tensor, token, 0, 1.0f);
        set(tensor, hello, 0, 0.0f);
        set(tensor, hello, 1, 1.0f);
        set(tensor, bang, 0, 0.0f);
        set(tensor, bang, 2, 1.0f);
      }
      if (tensor.name == "lm_head.weight") {
        set(tensor, hello, 0, 10.0f);
        set(tensor, bang, 1, 10.0f);
        set(tensor, im_end, 2, 10.0f);
      }
    }
    strata::test::write_file(out / "model.safetensors", strata::test::make_safetensors(tensors));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_chat_model: %s\n", error.what());
    return 1;
  }
  return 0;
}
