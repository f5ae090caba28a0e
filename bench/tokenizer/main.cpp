// Encoding speed of strata::Tokenizer on the corpus of tests/data/tokenizers: its ~9 KB document
// encoded again and again to a few MB ("documents"), and the same copies as one string
// ("whole"); no special tokens, one thread, best of several runs after a warm-up, for each
// reference tokenizer. Prints one JSON object per tokenizer and mode (compare.sh reads them):
//   strata_tokenizer_bench [--megabytes 4] [--runs 5] [--tokenizer qwen3|llama3|llama2]
#include "bench_text.hpp"

#include <strata/tokenizer.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Options {
  double megabytes = 4;
  int runs = 5;
  std::vector<std::string> tokenizers = {"qwen3", "llama3", "llama2"};
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--megabytes") {
      options.megabytes = std::stod(value);
    } else if (arg == "--runs") {
      options.runs = std::max(1, std::stoi(value));
    } else if (arg == "--tokenizer") {
      options.tokenizers = {value};
    } else {
      throw std::runtime_error("unknown option " + arg);
    }
  }
  return options;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const strata::bench::BenchText text = strata::bench::bench_text(strata::bench::read_corpus(STRATA_TOKENIZER_CORPUS),
                                                                    static_cast<std::size_t>(options.megabytes * 1e6));
    for (const std::string& name : options.tokenizers) {
      auto load_start = std::chrono::steady_clock::now();
      const strata::Tokenizer tokenizer =
          strata::Tokenizer::from_file(std::string(STRATA_TOKENIZER_DATA) + "/" + name + "/tokenizer.json");
      const double load_seconds = seconds_since(load_start);
      const std::function<std::size_t()> documents = [&] {
        std::size_t tokens = 0;
        for (std::size_t i = 0; i < text.copies; ++i) tokens += tokenizer.encode(text.document, false).size();
        return tokens;
      };
      const std::function<std::size_t()> whole = [&] { return tokenizer.encode(text.joined, false).size(); };
      for (const auto& [mode, encode] : {std::pair{"documents", documents}, std::pair{"whole", whole}}) {
        std::size_t tokens = encode();  // the warm-up run fills the word cache, as on the Rust side
        double best = 1e30;
        for (int run = 0; run < options.runs; ++run) {
          const auto start = std::chrono::steady_clock::now();
          tokens = encode();
          best = std::min(best, seconds_since(start));
        }
        const std::size_t bytes =
            mode == std::string("documents") ? text.document.size() * text.copies : text.joined.size();
        fmt::print("{}\n", nlohmann::json{{"implementation", "strata"},
                                          {"tokenizer", name},
                                          {"mode", mode},
                                          {"bytes", bytes},
                                          {"tokens", tokens},
                                          {"best_seconds", best},
                                          {"megabytes_per_second", static_cast<double>(bytes) / best / 1e6},
                                          {"load_seconds", load_seconds}}
                               .dump());
      }
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata_tokenizer_bench: {}\n", error.what());
    return 1;
  }
  return 0;
}
