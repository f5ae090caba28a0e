// Text of a SentencePiece model's tokens, as Hugging Face decodes a Llama tokenizer converted from
// tokenizer.model: special tokens as they are written, the pieces between them as SentencePiece
// decodes them. SentencePiece drops the space its encoder puts before the first word of a text;
// Hugging Face drops it only at the very start, so pieces after a special token keep it
// ("<s> Hello", as Hugging Face prints it).
#include "sentencepiece.hpp"
#include "utf8.hpp"

#include <unordered_set>

namespace strata::tokenization {
namespace {

constexpr std::string_view space_symbol = "\xE2\x96\x81";  // "▁"

class SentencePieceDecoder final : public Decoder {
 public:
  SentencePieceDecoder(const SentencePieceModel& model, std::vector<std::string> special_texts)
      : model_(model), special_texts_(special_texts.begin(), special_texts.end()) {}

  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string text;
    std::vector<std::string_view> pieces;
    bool after_special = false;
    auto flush = [&] {
      if (pieces.empty()) return;
      text += after_special ? decode_keeping_first_space(pieces) : model_.decode(pieces);
      pieces.clear();
    };
    for (const std::string& token : tokens) {
      if (special_texts_.contains(token)) {
        flush();
        text += token;
        after_special = true;
      } else {
        pieces.push_back(token);
      }
    }
    flush();
    // SentencePiece passes a piece's bytes through: a stranger's model may hold pieces that are
    // not UTF-8, which decode turns into U+FFFD as for any other tokenizer.
    tokens.assign(1, is_valid_utf8(text) ? std::move(text) : lossy_utf8(text));
  }

 private:
  // SentencePiece drops the leading space of the first piece it is given only: given the first
  // piece twice, it drops it from the first copy, and the text of that copy alone comes off.
  std::string decode_keeping_first_space(const std::vector<std::string_view>& pieces) const {
    if (!pieces.front().starts_with(space_symbol)) return model_.decode(pieces);
    std::vector<std::string_view> doubled;
    doubled.reserve(pieces.size() + 1);
    doubled.push_back(pieces.front());
    doubled.insert(doubled.end(), pieces.begin(), pieces.end());
    const std::string first = model_.decode({pieces.front()});
    std::string both = model_.decode(doubled);
    // A denormalizer rewrites the whole text, and may have changed the first copy's text.
    if (!both.starts_with(first)) return model_.decode(pieces);
    return both.substr(first.size());
  }

  const SentencePieceModel& model_;
  std::unordered_set<std::string> special_texts_;
};

}  // namespace

std::unique_ptr<Decoder> make_sentencepiece_decoder(const SentencePieceModel& model,
                                                    std::vector<std::string> special_texts) {
  return std::make_unique<SentencePieceDecoder>(model, std::move(special_texts));
}

}  // namespace strata::tokenization
