// libFuzzer target: any bytes as the text for a byte-level tokenizer (Llama 3's split pattern,
// a few merges, added tokens special and single-word). Text that is not UTF-8 is refused with
// strata::Error; any other text comes back exactly from decode(encode(text)), and the stream
// decoder's pieces are whole characters that add up to the same text.
#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// GPT-2's byte-level alphabet, written out here so the fuzzer does not reuse what it tests.
std::string byte_symbol(unsigned byte) {
  static const std::array<std::string, 256> symbols = [] {
    std::array<std::string, 256> table;
    unsigned next = 0x100;
    for (unsigned b = 0; b < 256; ++b) {
      const bool itself = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      const unsigned code_point = itself ? b : next++;
      if (code_point < 0x80) {
        table[b] = std::string(1, static_cast<char>(code_point));
      } else {
        table[b] = {static_cast<char>(0xC0 | (code_point >> 6)), static_cast<char>(0x80 | (code_point & 0x3F))};
      }
    }
    return table;
  }();
  return symbols[byte];
}

const strata::Tokenizer& tokenizer() {
  static const strata::Tokenizer built = [] {
    nlohmann::json vocab = nlohmann::json::object();
    for (unsigned byte = 0; byte < 256; ++byte) vocab[byte_symbol(byte)] = byte;
    const std::string space = byte_symbol(' ');
    int next = 256;
    for (const std::string& token : std::vector<std::string>{space + "t", "he", space + "the", "in", "ing"}) {
      vocab[token] = next++;
    }
    const nlohmann::json split = {
        {"type", "Split"},
        {"pattern",
         {{"Regex",
           "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
           "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}}},
        {"behavior", "Isolated"},
        {"invert", false}};
    const nlohmann::json document = {
        {"version", "1.0"},
        {"added_tokens",
         {{{"id", next}, {"content", "<|end|>"}, {"special", true}, {"normalized", false}},
          {{"id", next + 1}, {"content", "word"}, {"special", false}, {"normalized", false}, {"single_word", true}}}},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers", {split, {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}}},
        {"decoder", {{"type", "ByteLevel"}}},
        {"model",
         {{"type", "BPE"},
          {"vocab", vocab},
          {"merges", {space + " t", "h e", space + "t he", "i n", "in g"}},
          {"ignore_merges", true}}}};
    return strata::Tokenizer::from_json(document.dump());
  }();
  return built;
}

bool is_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::int32_t> ids;
  try {
    ids = tokenizer().encode(text, true);
  } catch (const strata::Error&) {
    if (is_utf8(text)) std::abort();  // valid text must encode
    return 0;
  }
  if (!is_utf8(text)) std::abort();  // invalid text must be refused
  if (tokenizer().decode(ids) != text) std::abort();
  strata::TokenStreamDecoder stream = tokenizer().stream_decoder();
  std::string streamed;
  for (std::int32_t id : ids) {
    const std::string piece = stream.push(id);
    if (!is_utf8(piece)) std::abort();
    streamed += piece;
  }
  streamed += stream.flush();
  if (streamed != text) std::abort();
  return 0;
}
