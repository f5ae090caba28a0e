#include "bench_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace strata::bench {

std::vector<std::string> read_corpus(const std::string& path) {
  std::ifstream stream(path);
  if (!stream) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << stream.rdbuf();
  return nlohmann::json::parse(text.str()).get<std::vector<std::string>>();
}

BenchText bench_text(const std::vector<std::string>& corpus, std::size_t min_bytes) {
  BenchText text;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (i > 0) text.document += '\n';
    text.document += corpus[i];
  }
  text.copies = std::max<std::size_t>(1, (min_bytes + text.document.size() - 1) / text.document.size());
  for (std::size_t i = 0; i < text.copies; ++i) {
    if (i > 0) text.joined += '\n';
    text.joined += text.document;
  }
  return text;
}

}  // namespace strata::bench
