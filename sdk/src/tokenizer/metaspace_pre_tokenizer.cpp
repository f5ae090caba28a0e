// Metaspace (SentencePiece's convention): spaces become the replacement character ("▁"), which
// is put in front of the text too, as the prepend scheme says, and each word starts with it.
#include "pre_tokenizer.hpp"
#include "utf8.hpp"

#include <fmt/format.h>

namespace strata::tokenization {
namespace {

enum class PrependScheme { always, first, never };

class MetaspacePreTokenizer final : public PreTokenizer {
 public:
  MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}

  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (Piece& piece : pieces) {
      std::string replaced;
      replaced.reserve(piece.text.size() + replacement_.size());
      for (char c : piece.text) {
        if (c == ' ') {
          replaced += replacement_;
        } else {
          replaced += c;
        }
      }
      const bool starts_with_replacement = replaced.starts_with(replacement_);
      const bool prepend = scheme_ == PrependScheme::always || (scheme_ == PrependScheme::first && piece.starts_text);
      if (prepend && !starts_with_replacement) replaced.insert(0, replacement_);
      piece.text = std::move(replaced);
    }
    if (split_) {
      split_pieces(pieces, [&](const std::string& text) {
        return split_spans(mark_matches(text, find_literal(text, replacement_)), SplitBehavior::merged_with_next);
      });
    }
  }

 private:
  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
};

PrependScheme prepend_scheme(const JsonNode& node) {
  const std::optional<JsonNode> scheme = node.find("prepend_scheme");
  // Files older than prepend_scheme said add_prefix_space: false for "never".
  if (!node.bool_or("add_prefix_space", true)) return PrependScheme::never;
  if (!scheme) return PrependScheme::always;
  const std::string name = scheme->as_string();
  if (name == "always") return PrependScheme::always;
  if (name == "first") return PrependScheme::first;
  if (name == "never") return PrependScheme::never;
  scheme->fail(fmt::format("\"{}\" is not always, first or never", name));
}

}  // namespace

std::unique_ptr<PreTokenizer> make_metaspace_pre_tokenizer(const JsonNode& node) {
  const JsonNode replacement = node.at("replacement");
  const std::string text = replacement.as_string();
  if (text.empty() || !is_valid_utf8(text) || code_point_at(text, 0).length != text.size()) {
    replacement.fail("must be one character");
  }
  return std::make_unique<MetaspacePreTokenizer>(text, prepend_scheme(node), node.bool_or("split", true));
}

}  // namespace strata::tokenization
