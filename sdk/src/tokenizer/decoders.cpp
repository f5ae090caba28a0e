#include "byte_level_alphabet.hpp"
#include "component_limits.hpp"
#include "decoder.hpp"
#include "text_pattern.hpp"
#include "utf8.hpp"

#include <fmt/format.h>

#include <optional>

namespace strata::tokenization {
namespace {

// All tokens become one text: each token's symbols mapped back to bytes (a token with any
// character outside the alphabet, such as an added token, is taken as it is), then read as
// UTF-8 with invalid bytes replaced.
class ByteLevelDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    const ByteLevelAlphabet& alphabet = ByteLevelAlphabet::get();
    std::string bytes;
    for (const std::string& token : tokens) {
      const std::size_t start = bytes.size();
      for (std::size_t position = 0; position < token.size();) {
        const CodePoint c = code_point_at(token, position);
        const std::optional<unsigned char> byte = alphabet.byte_of(c.value);
        if (!byte) {
          bytes.resize(start);
          bytes += token;
          break;
        }
        bytes += static_cast<char>(*byte);
        position += c.length;
      }
    }
    tokens.assign(1, lossy_utf8(bytes));
  }
};

// Runs of <0xNN> tokens become the text of their bytes, or one U+FFFD per byte when those bytes
// are not valid UTF-8.
class ByteFallbackDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> decoded;
    decoded.reserve(tokens.size());
    std::string pending;
    std::size_t pending_count = 0;
    auto flush = [&] {
      if (pending_count == 0) return;
      if (is_valid_utf8(pending)) {
        decoded.push_back(pending);
      } else {
        for (std::size_t i = 0; i < pending_count; ++i) decoded.emplace_back(replacement_character);
      }
      pending.clear();
      pending_count = 0;
    };
    for (std::string& token : tokens) {
      if (const auto byte = byte_of(token)) {
        pending += static_cast<char>(*byte);
        ++pending_count;
      } else {
        flush();
        decoded.push_back(std::move(token));
      }
    }
    flush();
    tokens = std::move(decoded);
  }

 private:
  static std::optional<unsigned char> byte_of(const std::string& token) {
    if (token.size() != 6 || !token.starts_with("<0x") || token[5] != '>') return std::nullopt;
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int high = digit(token[3]), low = digit(token[4]);
    if (high < 0 || low < 0) return std::nullopt;
    return static_cast<unsigned char>(high * 16 + low);
  }
};

class FuseDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string joined;
    for (const std::string& token : tokens) joined += token;
    tokens.assign(1, std::move(joined));
  }
};

// Removes up to `start` leading and `stop` trailing copies of one character from each token.
class StripDecoder final : public Decoder {
 public:
  StripDecoder(std::string content, std::size_t start, std::size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& token : tokens) {
      std::size_t begin = 0;
      for (std::size_t i = 0; i < start_ && token.compare(begin, content_.size(), content_) == 0; ++i) {
        begin += content_.size();
      }
      std::size_t end = token.size();
      for (std::size_t i = 0; i < stop_ && end >= begin + content_.size() &&
                              token.compare(end - content_.size(), content_.size(), content_) == 0;
           ++i) {
        end -= content_.size();
      }
      token = token.substr(begin, end - begin);
    }
  }

 private:
  std::string content_;
  std::size_t start_, stop_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(TextPattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& token : tokens) token = pattern_.replace_all(token, content_);
  }

 private:
  TextPattern pattern_;
  std::string content_;
};

// The replacement character becomes a space, except at the very start when the pre-tokenizer
// put it there.
class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool drop_first)
      : replacement_(std::move(replacement)), drop_first_(drop_first) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    const TextPattern pattern = TextPattern::literal(replacement_);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      tokens[i] = pattern.replace_all(tokens[i], i == 0 && drop_first_ ? "" : " ");
    }
  }

 private:
  std::string replacement_;
  bool drop_first_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& step : steps_) step->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

std::size_t count_at(const JsonNode& node, std::string_view key) {
  const std::optional<JsonNode> value = node.find(key);
  if (!value) return 0;
  const std::int64_t count = value->as_integer();
  if (count < 0 || count > 1024) value->fail("is not a count of 0..1024");
  return static_cast<std::size_t>(count);
}

std::string one_character(const JsonNode& node) {
  const std::string text = node.as_string();
  if (text.empty() || !is_valid_utf8(text) || code_point_at(text, 0).length != text.size()) {
    node.fail("must be one character");
  }
  return text;
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const JsonNode& node, int depth) {
  if (depth > max_nesting_depth) node.fail("Sequence nested too deeply");
  const std::string type = node.type();
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    return std::make_unique<StripDecoder>(one_character(node.at("content")), count_at(node, "start"),
                                          count_at(node, "stop"));
  }
  if (type == "Replace") {
    return std::make_unique<ReplaceDecoder>(TextPattern::from_json(node.at("pattern")), node.string_at("content"));
  }
  if (type == "Metaspace") {
    const std::string scheme = node.optional_string("prepend_scheme").value_or("always");
    const bool prepends = node.bool_or("add_prefix_space", true) && scheme != "never";
    return std::make_unique<MetaspaceDecoder>(one_character(node.at("replacement")), prepends);
  }
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Decoder>> steps;
    for (const JsonNode& step : node.at("decoders").elements()) steps.push_back(make_decoder(step, depth + 1));
    return std::make_unique<SequenceDecoder>(std::move(steps));
  }
  node.fail(
      fmt::format("the decoder type \"{}\" is not supported (Strata has ByteLevel, ByteFallback, Fuse, Strip, "
                  "Replace, Metaspace, Sequence)",
                  type));
}

}  // namespace strata::tokenization
