// `strata tokenize`: the ids of a text, or with --decode the text of ids, from a checkpoint's
// tokenizer (--model DIR: its tokenizer.json, else its SentencePiece tokenizer.model) or any
// tokenizer.json or SentencePiece .model file (--tokenizer FILE). The ids print as 1,2,3 (what
// --decode and `strata run --prompt-ids` take) or, with --json, as a JSON array.
#include "tokenize_command.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::cli {
namespace {

struct TokenizeOptions {
  std::string model;
  std::string tokenizer;
  std::string text;
  std::string decode;
  bool json = false;
  bool add_special_tokens = false;
  bool skip_special_tokens = false;
};

std::vector<std::int32_t> parse_ids(const std::string& text) {
  std::vector<std::int32_t> ids;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    std::int32_t id = 0;
    const auto [rest, error] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || error != std::errc() || rest != item.data() + item.size()) {
      throw Error(StatusCode::invalid_argument, fmt::format("--decode: \"{}\" is not a token id", item));
    }
    ids.push_back(id);
    start = end + 1;
  }
  return ids;
}

Tokenizer open_tokenizer(const TokenizeOptions& options) {
  if (!options.tokenizer.empty()) {
    // SentencePiece models are named *.model (tokenizer.model); anything else is a tokenizer.json.
    const std::filesystem::path file(options.tokenizer);
    return file.extension() == ".model" ? Tokenizer::from_sentencepiece_file(file) : Tokenizer::from_file(file);
  }
  const std::filesystem::path dir(options.model);
  if (std::optional<Tokenizer> tokenizer = Tokenizer::from_model_dir(dir)) return std::move(*tokenizer);
  throw Error(StatusCode::invalid_argument,
              fmt::format("{} is not there, nor is {}: the folder has no tokenizer", (dir / "tokenizer.json").string(),
                          (dir / "tokenizer.model").string()));
}

void tokenize(const TokenizeOptions& options) {
  const Tokenizer tokenizer = open_tokenizer(options);
  if (!options.decode.empty()) {
    const std::string text = tokenizer.decode(parse_ids(options.decode), options.skip_special_tokens);
    fmt::print("{}\n", options.json
                           ? nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                           : text);
    return;
  }
  const std::vector<std::int32_t> ids = tokenizer.encode(options.text, options.add_special_tokens);
  fmt::print("{}\n", options.json ? nlohmann::json(ids).dump() : fmt::format("{}", fmt::join(ids, ",")));
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  auto* command = app.add_subcommand("tokenize", "text to token ids (or ids to text) with a Hugging Face tokenizer");
  auto* model =
      command->add_option("--model", options->model, "checkpoint folder holding tokenizer.json (or tokenizer.model)");
  auto* file = command->add_option("--tokenizer", options->tokenizer,
                                   "a tokenizer.json file, or a SentencePiece tokenizer.model (named *.model)");
  model->excludes(file);
  command->add_flag("--json", options->json,
                    "print the ids as a JSON array (with --decode: the text as a JSON string)");
  command->add_flag("--add-special-tokens", options->add_special_tokens,
                    "add what the tokenizer adds around a text (BOS for Llama 2, Mistral)");
  auto* decode = command->add_option("--decode", options->decode, "token ids to turn into text: 1,2,3");
  command->add_flag("--skip-special-tokens", options->skip_special_tokens, "with --decode: leave special tokens out");
  auto* text = command->add_option("text", options->text, "the text to tokenize");
  decode->excludes(text);
  command->callback([options, model, file, decode, text] {
    if (model->count() + file->count() == 0) throw CLI::RequiredError("--model or --tokenizer");
    if (decode->count() + text->count() == 0) throw CLI::RequiredError("TEXT or --decode");
    tokenize(*options);
  });
}

}  // namespace strata::cli
