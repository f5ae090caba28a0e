// The benchmark's text: one document, the corpus entries joined by newlines (about 9 KB), encoded
// as many times as it takes to reach the bytes asked for; and, to show how each side copes with
// one long input, the same copies joined by newlines into one string. rust_encode_speed.js
// builds the same texts.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace strata::bench {

std::vector<std::string> read_corpus(const std::string& path);

struct BenchText {
  std::string document;
  std::size_t copies = 0;
  std::string joined;  // the copies joined by "\n"
};

BenchText bench_text(const std::vector<std::string>& corpus, std::size_t min_bytes);

}  // namespace strata::bench
