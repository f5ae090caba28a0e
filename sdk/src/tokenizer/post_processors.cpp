#include "component_limits.hpp"
#include "post_processor.hpp"

#include <fmt/format.h>

#include <map>

namespace strata::tokenization {
namespace {

// The single-sequence template: fixed ids before and after the text's ids.
class SurroundingPostProcessor final : public PostProcessor {
 public:
  SurroundingPostProcessor(std::vector<std::int32_t> before, std::vector<std::int32_t> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  void add_special_tokens(std::vector<std::int32_t>& ids) const override {
    ids.insert(ids.begin(), before_.begin(), before_.end());
    ids.insert(ids.end(), after_.begin(), after_.end());
  }

 private:
  std::vector<std::int32_t> before_, after_;
};

class NothingToAdd final : public PostProcessor {
 public:
  void add_special_tokens(std::vector<std::int32_t>&) const override {}
};

class SequencePostProcessor final : public PostProcessor {
 public:
  explicit SequencePostProcessor(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}
  void add_special_tokens(std::vector<std::int32_t>& ids) const override {
    for (const auto& step : steps_) step->add_special_tokens(ids);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

std::int32_t checked_id(const JsonNode& node) {
  const std::int64_t id = node.as_integer();
  if (id < 0 || id > max_token_id) node.fail(fmt::format("the id {} is outside 0..{}", id, max_token_id));
  return static_cast<std::int32_t>(id);
}

// TemplateProcessing's "single": pieces {"SpecialToken": {"id": NAME}} whose ids the
// "special_tokens" table gives, around one {"Sequence": {"id": "A"}}.
std::unique_ptr<PostProcessor> template_processing(const JsonNode& node) {
  std::map<std::string, std::vector<std::int32_t>, std::less<>> special_ids;
  if (const auto table = node.find("special_tokens")) {
    if (!table->value().is_object()) table->fail("is not an object");
    for (const auto& [name, entry] : table->value().items()) {
      const JsonNode special(entry, fmt::format("{}.{}", table->path(), name));
      std::vector<std::int32_t> ids;
      for (const JsonNode& id : special.at("ids").elements()) ids.push_back(checked_id(id));
      special_ids.emplace(name, std::move(ids));
    }
  }
  std::vector<std::int32_t> before, after;
  bool sequence_seen = false;
  for (const JsonNode& piece : node.at("single").elements()) {
    if (const auto special = piece.find("SpecialToken")) {
      const std::string name = special->string_at("id");
      const auto ids = special_ids.find(name);
      if (ids == special_ids.end()) special->fail(fmt::format("\"{}\" is not in special_tokens", name));
      auto& side = sequence_seen ? after : before;
      side.insert(side.end(), ids->second.begin(), ids->second.end());
    } else if (const auto sequence = piece.find("Sequence")) {
      if (sequence_seen) piece.fail("a second Sequence in the single-text template");
      sequence_seen = true;
    } else {
      piece.fail("is neither a SpecialToken nor a Sequence");
    }
  }
  if (!sequence_seen) node.at("single").fail("has no Sequence for the text");
  return std::make_unique<SurroundingPostProcessor>(std::move(before), std::move(after));
}

// BertProcessing and RobertaProcessing: "cls" and "sep" as [token, id].
std::unique_ptr<PostProcessor> cls_sep_processing(const JsonNode& node) {
  auto id_of = [&](std::string_view key) {
    const std::vector<JsonNode> pair = node.at(key).elements();
    if (pair.size() != 2) node.at(key).fail("is not [token, id]");
    return checked_id(pair[1]);
  };
  return std::make_unique<SurroundingPostProcessor>(std::vector<std::int32_t>{id_of("cls")},
                                                    std::vector<std::int32_t>{id_of("sep")});
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const JsonNode& node, int depth) {
  if (depth > max_nesting_depth) node.fail("Sequence nested too deeply");
  const std::string type = node.type();
  if (type == "TemplateProcessing") return template_processing(node);
  if (type == "BertProcessing" || type == "RobertaProcessing") return cls_sep_processing(node);
  if (type == "ByteLevel") return std::make_unique<NothingToAdd>();
  if (type == "Sequence") {
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (const JsonNode& step : node.at("processors").elements()) {
      steps.push_back(make_post_processor(step, depth + 1));
    }
    return std::make_unique<SequencePostProcessor>(std::move(steps));
  }
  node.fail(
      fmt::format("the post-processor type \"{}\" is not supported (Strata has TemplateProcessing, "
                  "BertProcessing, RobertaProcessing, ByteLevel, Sequence)",
                  type));
}

}  // namespace strata::tokenization
