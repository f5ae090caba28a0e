// The three reference tokenizers, each loaded once per test program.
#pragma once

#include "tokenizer_test_data.hpp"

#include <strata/tokenizer.hpp>

#include <map>
#include <string>

namespace strata_test {

inline const strata::Tokenizer& reference_tokenizer(const std::string& name) {
  static std::map<std::string, strata::Tokenizer> loaded;
  auto found = loaded.find(name);
  if (found == loaded.end())
    found = loaded.emplace(name, strata::Tokenizer::from_file(tokenizer_json_path(name))).first;
  return found->second;
}

}  // namespace strata_test
