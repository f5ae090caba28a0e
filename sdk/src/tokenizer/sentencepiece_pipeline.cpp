// Building a Pipeline from a SentencePiece tokenizer.model, as transformers' LlamaTokenizer reads
// one (with legacy = true, its default): the unknown and control pieces are special tokens found
// in the text first; SentencePiece encodes each stretch of text between them as a whole text
// (with its own "▁" before it); BOS and EOS go around the ids as add_bos_token and add_eos_token
// say. User-defined pieces are left to SentencePiece, which matches them itself.
#include "pipeline.hpp"
#include "sentencepiece.hpp"

namespace strata::tokenization {
namespace {

// LlamaTokenizer.build_inputs_with_special_tokens: BOS, the ids, EOS, each where asked for.
class BosEosPostProcessor final : public PostProcessor {
 public:
  BosEosPostProcessor(std::optional<std::int32_t> bos, std::optional<std::int32_t> eos) : bos_(bos), eos_(eos) {}

  void add_special_tokens(std::vector<std::int32_t>& ids) const override {
    if (bos_) ids.insert(ids.begin(), *bos_);
    if (eos_) ids.push_back(*eos_);
  }

 private:
  std::optional<std::int32_t> bos_, eos_;
};

}  // namespace

std::shared_ptr<const Pipeline> Pipeline::from_sentencepiece(std::string_view model_bytes,
                                                             const SentencePieceOptions& options) {
  auto model = std::make_unique<SentencePieceModel>(model_bytes);
  const std::vector<AddedToken> special = model->special_pieces();
  std::vector<std::string> special_texts;
  for (const AddedToken& token : special) special_texts.push_back(token.content);

  auto pipeline = std::make_shared<Pipeline>();
  // A model without a BOS (or EOS) piece gets none added.
  const std::optional<std::int32_t> bos = options.add_bos ? model->bos_id() : std::nullopt;
  const std::optional<std::int32_t> eos = options.add_eos ? model->eos_id() : std::nullopt;
  pipeline->post_processor = std::make_unique<BosEosPostProcessor>(bos, eos);
  pipeline->decoder = make_sentencepiece_decoder(*model, std::move(special_texts));
  pipeline->added = std::make_unique<AddedVocabulary>(special, *model, nullptr);
  pipeline->vocab_size = model->vocab_size();  // the special tokens are pieces of the model
  pipeline->model = std::move(model);
  return pipeline;
}

}  // namespace strata::tokenization
