// `strata tokenize`: text to token ids and back with a Hugging Face tokenizer.json or a SentencePiece
// tokenizer.model.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_tokenize_command(CLI::App& app);

}  // namespace strata::cli
