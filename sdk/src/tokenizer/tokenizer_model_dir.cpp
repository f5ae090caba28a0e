// Which file of a Hugging Face model folder the tokenizer comes from: tokenizer.json when there
// is one; else the SentencePiece tokenizer.model, with the BOS and EOS settings that
// tokenizer_config.json gives LlamaTokenizer.
#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>

namespace strata {
namespace {

// As ChatTemplate::max_config_bytes: the largest configs, with long chat templates, are far smaller.
constexpr std::uint64_t max_config_bytes = 16ull << 20;

// A dangling symlink counts as there: reading it then says what is wrong, rather than the folder
// seeming to have no such file.
bool is_there(const std::filesystem::path& file) {
  std::error_code error;
  return std::filesystem::exists(std::filesystem::symlink_status(file, error));
}

// "add_bos_token" and "add_eos_token": true or false; absent or null keeps LlamaTokenizer's default.
SentencePieceOptions sentencepiece_options(const std::filesystem::path& config_file) {
  SentencePieceOptions options;
  if (!is_there(config_file)) return options;
  std::string why;
  const std::optional<std::string> text = safe_io::read_regular_file(config_file, max_config_bytes, why);
  if (!text) throw Error(StatusCode::invalid_argument, fmt::format("{} {}", config_file.string(), why));
  const std::optional<nlohmann::json> config = safe_io::parse_bounded_json(*text, why);
  if (!config)
    throw Error(StatusCode::invalid_argument, fmt::format("{}: not valid JSON: {}", config_file.string(), why));
  if (!config->is_object()) {
    throw Error(StatusCode::invalid_argument, fmt::format("{}: must hold a JSON object", config_file.string()));
  }
  auto read_flag = [&](const char* key, bool& flag) {
    const auto found = config->find(key);
    if (found == config->end() || found->is_null()) return;
    if (!found->is_boolean()) {
      throw Error(StatusCode::invalid_argument,
                  fmt::format("{}: \"{}\" must be true or false", config_file.string(), key));
    }
    flag = found->get<bool>();
  };
  read_flag("add_bos_token", options.add_bos);
  read_flag("add_eos_token", options.add_eos);
  return options;
}

}  // namespace

std::optional<Tokenizer> Tokenizer::from_model_dir(const std::filesystem::path& dir) {
  const std::filesystem::path json_file = dir / "tokenizer.json";
  if (is_there(json_file)) return from_file(json_file);
  const std::filesystem::path model_file = dir / "tokenizer.model";
  if (!is_there(model_file)) return std::nullopt;
  return from_sentencepiece_file(model_file, sentencepiece_options(dir / "tokenizer_config.json"));
}

}  // namespace strata
