// Building a Pipeline from the text of a tokenizer.json: the strict JSON parse, the top-level
// fields, and the refusal of what Strata does not do (truncation, fixed padding, other versions).
#include "component_limits.hpp"
#include "json_node.hpp"
#include "pipeline.hpp"

#include <strata/error.hpp>

#include <strata_safe_io/bounded_json.hpp>

#include <fmt/format.h>

namespace strata::tokenization {
namespace {

std::vector<AddedToken> added_tokens(const JsonNode& root) {
  std::vector<AddedToken> tokens;
  const std::optional<JsonNode> list = root.find("added_tokens");
  if (!list) return tokens;
  for (const JsonNode& entry : list->elements()) {
    AddedToken token;
    const std::int64_t id = entry.at("id").as_integer();
    if (id < 0 || id > max_token_id) entry.fail(fmt::format("the id {} is outside 0..{}", id, max_token_id));
    token.id = static_cast<std::int32_t>(id);
    token.content = entry.string_at("content");
    token.special = entry.bool_or("special", false);
    token.normalized = entry.bool_or("normalized", !token.special);
    token.lstrip = entry.bool_or("lstrip", false);
    token.rstrip = entry.bool_or("rstrip", false);
    token.single_word = entry.bool_or("single_word", false);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// Truncation and padding change the ids of one text; Strata leaves both to the caller.
void refuse_length_changes(const JsonNode& root) {
  if (const auto truncation = root.find("truncation")) {
    truncation->fail("truncation is not supported: set it to null and truncate the ids yourself");
  }
  if (const auto padding = root.find("padding")) {
    const std::optional<JsonNode> strategy = padding->find("strategy");
    // BatchLongest pads a batch to its longest text: a single text is left as it is.
    if (!strategy || !strategy->value().is_string() || strategy->as_string() != "BatchLongest") {
      padding->fail("padding to a fixed length is not supported: set it to null and pad the ids yourself");
    }
  }
}

}  // namespace

std::shared_ptr<const Pipeline> Pipeline::from_json(std::string_view json_text) {
  // The strict reader every file from others goes through: a key given twice, deep nesting or a
  // number too large is an error, not a silent choice.
  std::string why;
  std::optional<nlohmann::json> parsed = safe_io::parse_bounded_json(json_text, why);
  if (!parsed) throw Error(StatusCode::invalid_argument, fmt::format("tokenizer.json is not valid JSON: {}", why));
  const nlohmann::json document = std::move(*parsed);
  const JsonNode root(document, "");
  if (!document.is_object()) root.fail("is not an object");
  if (const auto version = root.find("version"); version && version->as_string() != "1.0") {
    version->fail(fmt::format("version \"{}\" is not the 1.0 that Strata reads", version->as_string()));
  }
  refuse_length_changes(root);

  auto pipeline = std::make_shared<Pipeline>();
  if (const auto node = root.find("normalizer")) pipeline->normalizer = make_normalizer(*node);
  if (const auto node = root.find("pre_tokenizer")) pipeline->pre_tokenizer = make_pre_tokenizer(*node);
  pipeline->model = make_model(root.at("model"));
  if (const auto node = root.find("post_processor")) pipeline->post_processor = make_post_processor(*node);
  if (const auto node = root.find("decoder")) pipeline->decoder = make_decoder(*node);
  pipeline->added = std::make_unique<AddedVocabulary>(added_tokens(root), *pipeline->model, pipeline->normalizer.get());

  std::size_t added_outside_model = 0;
  for (const AddedToken& token : pipeline->added->tokens()) {
    if (!pipeline->model->token_to_id(token.content)) ++added_outside_model;
  }
  pipeline->vocab_size = pipeline->model->vocab_size() + added_outside_model;
  return pipeline;
}

}  // namespace strata::tokenization
