// Post-processors add the model's special tokens around the ids of one text when asked to:
// TemplateProcessing (BOS/EOS as a template says), BertProcessing and RobertaProcessing ([CLS] ...
// [SEP]), ByteLevel (nothing to add: it only adjusts offsets, which Strata does not report), and
// Sequence of those.
#pragma once

#include "json_node.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace strata::tokenization {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Called only when special tokens are to be added.
  virtual void add_special_tokens(std::vector<std::int32_t>& ids) const = 0;
};

// Throws Error(invalid_argument) for a type Strata does not implement, naming it.
std::unique_ptr<PostProcessor> make_post_processor(const JsonNode& node, int depth = 0);

}  // namespace strata::tokenization
