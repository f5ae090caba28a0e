// generation_config.json, read through strata_safe_io: every field Strata uses is checked for
// its type and range, and a wrong one is named with its file.
#include <strata/error.hpp>
#include <strata/generation_config.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace strata {
namespace {

using nlohmann::json;

class FieldReader {
 public:
  FieldReader(const json& root, std::string_view source) : root_(root), source_(source) {}

  [[noreturn]] void fail(std::string_view field, std::string_view what) const {
    throw Error(StatusCode::invalid_argument, fmt::format("{}: \"{}\" {}", source_, field, what));
  }

  // The value of `field`, or null when absent or given as null.
  const json* get(std::string_view field) const {
    const auto found = root_.find(field);
    return found == root_.end() || found->is_null() ? nullptr : &*found;
  }

  std::int64_t integer(const json& value, std::string_view field, std::int64_t low, std::int64_t high) const {
    if (!value.is_number_integer()) fail(field, fmt::format("must be an integer, not {}", value.type_name()));
    // Unsigned values above INT64_MAX are out of range however they compare as signed.
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(high))
      fail(field, fmt::format("must lie in [{}, {}]", low, high));
    const auto number = value.get<std::int64_t>();
    if (number < low || number > high) fail(field, fmt::format("must lie in [{}, {}], got {}", low, high, number));
    return number;
  }

  std::optional<std::int64_t> optional_integer(std::string_view field, std::int64_t low, std::int64_t high) const {
    const json* value = get(field);
    if (value == nullptr) return std::nullopt;
    return integer(*value, field, low, high);
  }

  // `accept` says whether the number is in range; `range` says what the range is.
  template <typename Accept>
  std::optional<float> optional_number(std::string_view field, Accept accept, std::string_view range) const {
    const json* value = get(field);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number()) fail(field, fmt::format("must be a number, not {}", value->type_name()));
    const double number = value->get<double>();
    if (!std::isfinite(number) || !accept(number)) fail(field, fmt::format("must be {}, got {}", range, number));
    return static_cast<float>(number);
  }

  std::optional<bool> optional_bool(std::string_view field) const {
    const json* value = get(field);
    if (value == nullptr) return std::nullopt;
    if (!value->is_boolean()) fail(field, fmt::format("must be true or false, not {}", value->type_name()));
    return value->get<bool>();
  }

 private:
  const json& root_;
  std::string_view source_;
};

constexpr std::int64_t max_token_id = std::numeric_limits<std::int32_t>::max();

}  // namespace

GenerationConfig GenerationConfig::from_json(std::string_view json_text, std::string_view source) {
  std::string why;
  const std::optional<json> parsed = safe_io::parse_bounded_json(json_text, why);
  if (!parsed) throw Error(StatusCode::invalid_argument, fmt::format("{}: not valid JSON: {}", source, why));
  if (!parsed->is_object())
    throw Error(StatusCode::invalid_argument, fmt::format("{}: must hold a JSON object", source));
  const FieldReader reader(*parsed, source);

  GenerationConfig config;
  if (const json* eos = reader.get("eos_token_id")) {
    if (eos->is_array()) {
      for (const json& id : *eos)
        config.eos_token_ids.push_back(static_cast<std::int32_t>(reader.integer(id, "eos_token_id", 0, max_token_id)));
    } else {
      config.eos_token_ids.push_back(static_cast<std::int32_t>(reader.integer(*eos, "eos_token_id", 0, max_token_id)));
    }
  }
  auto token_id = [&](std::string_view field) -> std::optional<std::int32_t> {
    const std::optional<std::int64_t> id = reader.optional_integer(field, 0, max_token_id);
    if (!id) return std::nullopt;
    return static_cast<std::int32_t>(*id);
  };
  config.bos_token_id = token_id("bos_token_id");
  config.pad_token_id = token_id("pad_token_id");
  config.do_sample = reader.optional_bool("do_sample");
  config.temperature = reader.optional_number(
      "temperature", [](double x) { return x >= 0; }, "a number >= 0");
  if (const std::optional<std::int64_t> top_k =
          reader.optional_integer("top_k", 0, std::numeric_limits<std::int32_t>::max()))
    config.top_k = static_cast<std::int32_t>(*top_k);
  config.top_p = reader.optional_number(
      "top_p", [](double x) { return x > 0 && x <= 1; }, "in (0, 1]");
  config.min_p = reader.optional_number(
      "min_p", [](double x) { return x >= 0 && x <= 1; }, "in [0, 1]");
  config.repetition_penalty = reader.optional_number(
      "repetition_penalty", [](double x) { return x > 0; }, "a number > 0");
  config.max_new_tokens = reader.optional_integer("max_new_tokens", 0, std::numeric_limits<std::int64_t>::max());
  return config;
}

GenerationConfig GenerationConfig::from_file(const std::filesystem::path& path) {
  std::string why;
  const std::optional<std::string> text = safe_io::read_regular_file(path, max_file_bytes, why);
  if (!text) throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", path.string(), why));
  return from_json(*text, path.string());
}

std::optional<GenerationConfig> GenerationConfig::from_model_dir(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "generation_config.json";
  std::error_code error;
  // A dangling symlink is reported by from_file, not taken for an absent file.
  if (!std::filesystem::exists(std::filesystem::symlink_status(file, error))) return std::nullopt;
  return from_file(file);
}

GenerateOptions GenerationConfig::generate_options() const {
  GenerateOptions options;
  if (max_new_tokens) options.max_new_tokens = *max_new_tokens;
  options.stop_tokens = eos_token_ids;
  SamplingOptions& sampling = options.sampling;
  sampling.repetition_penalty = repetition_penalty.value_or(1.0f);
  if (do_sample.value_or(false)) {
    sampling.temperature = temperature.value_or(1.0f);
    sampling.top_k = top_k.value_or(50);
    sampling.top_p = top_p.value_or(1.0f);
    sampling.min_p = min_p.value_or(0.0f);
  }
  return options;
}

}  // namespace strata
