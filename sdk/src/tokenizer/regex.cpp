#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>
#include <pcre2.h>

#include <array>

namespace strata::tokenization {
namespace {

// Far above what any tokenizer's pattern needs on a word, low enough to stop a pattern built
// to backtrack exponentially within a fraction of a second.
constexpr std::uint32_t match_limit = 10'000'000;
constexpr std::size_t jit_stack_start = 32 * 1024;
constexpr std::size_t jit_stack_max = 1024 * 1024;

// What one thread reuses across matches: the match data (only the whole match is read) and a
// match context carrying the limits and a JIT stack larger than the default 32 KiB.
class MatchScratch {
 public:
  MatchScratch()
      : data_(pcre2_match_data_create(1, nullptr)),
        context_(pcre2_match_context_create(nullptr)),
        jit_stack_(pcre2_jit_stack_create(jit_stack_start, jit_stack_max, nullptr)) {
    if (data_ == nullptr || context_ == nullptr) throw std::bad_alloc();
    pcre2_set_match_limit(context_, match_limit);
    if (jit_stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
  }
  ~MatchScratch() {
    pcre2_jit_stack_free(jit_stack_);
    pcre2_match_context_free(context_);
    pcre2_match_data_free(data_);
  }
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

  pcre2_match_data* data() { return data_; }
  pcre2_match_context* context() { return context_; }

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
  pcre2_jit_stack* jit_stack_;
};

MatchScratch& scratch() {
  thread_local MatchScratch instance;
  return instance;
}

std::string error_text(int code) {
  std::array<PCRE2_UCHAR, 256> buffer{};
  pcre2_get_error_message(code, buffer.data(), buffer.size());
  return reinterpret_cast<const char*>(buffer.data());
}

std::size_t next_character_end(std::string_view text, std::size_t position) {
  ++position;
  while (position < text.size() && (static_cast<unsigned char>(text[position]) & 0xC0) == 0x80) ++position;
  return position;
}

}  // namespace

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

Regex::Regex(std::string_view pattern) : pattern_(pattern) {
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  auto compiled = std::make_shared<Compiled>();
  compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_UCP,
                                 &error, &error_offset, nullptr);
  if (compiled->code == nullptr) {
    throw Error(StatusCode::invalid_argument, fmt::format("tokenizer: the regular expression \"{}\" is not valid at "
                                                          "offset {}: {}",
                                                          pattern, error_offset, error_text(error)));
  }
  // Without JIT (a machine that forbids executable memory) the interpreter gives the same matches.
  pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);
  compiled_ = std::move(compiled);
}

std::vector<MatchRange> Regex::find_all(std::string_view text) const {
  std::vector<MatchRange> matches;
  MatchScratch& reused = scratch();
  std::size_t start = 0;
  std::size_t previous_end = std::string_view::npos;
  while (start <= text.size()) {
    // The text was checked as UTF-8 once on entry: checking it again on every call would make
    // the whole search quadratic.
    const int result = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start,
                                   PCRE2_NO_UTF_CHECK, reused.data(), reused.context());
    if (result == PCRE2_ERROR_NOMATCH) break;
    if (result < 0) {
      throw Error(StatusCode::invalid_argument,
                  fmt::format("tokenizer: the regular expression \"{}\" failed on a text of {} bytes: {}", pattern_,
                              text.size(), error_text(result)));
    }
    const PCRE2_SIZE* offsets = pcre2_get_ovector_pointer(reused.data());
    const MatchRange match{offsets[0], offsets[1]};
    if (match.begin == match.end) {
      if (match.begin != previous_end) matches.push_back(match);
      if (match.end >= text.size()) break;
      start = next_character_end(text, match.end);
    } else {
      matches.push_back(match);
      start = match.end;
    }
    previous_end = match.end;
  }
  return matches;
}

}  // namespace strata::tokenization
