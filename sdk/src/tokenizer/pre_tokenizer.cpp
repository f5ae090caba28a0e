#include "pre_tokenizer.hpp"

#include "component_limits.hpp"

#include <fmt/format.h>

namespace strata::tokenization {
namespace {

class SequencePreTokenizer final : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (const auto& step : steps_) step->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonNode& node, int depth) {
  if (depth > max_nesting_depth) node.fail("Sequence nested too deeply");
  const std::string type = node.type();
  if (type == "ByteLevel") return make_byte_level_pre_tokenizer(node);
  if (type == "Metaspace") return make_metaspace_pre_tokenizer(node);
  if (type == "Split") return make_split_pre_tokenizer(node);
  if (type == "Digits") return make_digits_pre_tokenizer(node);
  if (type == "Whitespace") return make_whitespace_pre_tokenizer(false);
  if (type == "WhitespaceSplit") return make_whitespace_pre_tokenizer(true);
  if (type == "Sequence") {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (const JsonNode& step : node.at("pretokenizers").elements()) {
      steps.push_back(make_pre_tokenizer(step, depth + 1));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  node.fail(
      fmt::format("the pre-tokenizer type \"{}\" is not supported (Strata has ByteLevel, Metaspace, Split, "
                  "Digits, Whitespace, WhitespaceSplit, Sequence)",
                  type));
}

}  // namespace strata::tokenization
