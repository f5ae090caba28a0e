#include <strata/error.hpp>
#include <strata/types.hpp>

#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace strata {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::f32:
    case DType::i32:
      return 4;
    case DType::f16:
    case DType::bf16:
      return 2;
  }
  return 0;
}

std::string_view to_string(DType dtype) {
  switch (dtype) {
    case DType::f32:
      return "f32";
    case DType::f16:
      return "f16";
    case DType::bf16:
      return "bf16";
    case DType::i32:
      return "i32";
  }
  return "unknown";
}

std::optional<DType> parse_dtype(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "f32" || lower == "float32" || lower == "float") return DType::f32;
  if (lower == "f16" || lower == "float16" || lower == "half") return DType::f16;
  if (lower == "bf16" || lower == "bfloat16") return DType::bf16;
  if (lower == "i32" || lower == "int32") return DType::i32;
  return std::nullopt;
}

std::string_view to_string(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::cpu:
      return "cpu";
    case DeviceKind::gpu:
      return "gpu";
    case DeviceKind::igpu:
      return "igpu";
    case DeviceKind::accel:
      return "accel";
  }
  return "unknown";
}

Shape::Shape(std::initializer_list<std::int64_t> dims) {
  if (dims.size() > max_rank)
    throw Error(StatusCode::invalid_argument,
                fmt::format("a shape has at most {} dimensions, got {}", max_rank, dims.size()));
  std::copy(dims.begin(), dims.end(), dims_.begin());
  rank_ = dims.size();
}

std::int64_t Shape::elements() const {
  std::int64_t n = 1;
  for (std::size_t i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

std::string Shape::to_string() const {
  std::string text = "[";
  for (std::size_t i = 0; i < rank_; ++i) text += (i ? ", " : "") + std::to_string(dims_[i]);
  return text + "]";
}

bool operator==(const Shape& a, const Shape& b) {
  return a.rank_ == b.rank_ &&
         std::equal(a.dims_.begin(), a.dims_.begin() + static_cast<std::ptrdiff_t>(a.rank_), b.dims_.begin());
}

namespace {

struct Unit {
  std::string_view suffix;
  double factor;
};

// Longest suffixes first so "GiB" is not read as "B".
constexpr Unit size_units[] = {
    {"kib", 1024.0},
    {"mib", 1048576.0},
    {"gib", 1073741824.0},
    {"tib", 1099511627776.0},
    {"kb", 1e3},
    {"mb", 1e6},
    {"gb", 1e9},
    {"tb", 1e12},
    {"k", 1e3},
    {"m", 1e6},
    {"g", 1e9},
    {"t", 1e12},
    {"b", 1.0},
};

[[noreturn]] void bad_size(std::string_view text, std::string_view why) {
  throw Error(
      StatusCode::invalid_argument,
      fmt::format("'{}' is not a memory size ({}); write e.g. \"10GiB\", \"10GB\", \"500MiB\" or a number of bytes",
                  safe_io::printable(text), why));
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  std::string lower;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.empty()) bad_size(text, "it is empty");
  double factor = 1.0;
  for (const Unit& unit : size_units) {
    if (lower.size() > unit.suffix.size() && lower.ends_with(unit.suffix)) {
      factor = unit.factor;
      lower.resize(lower.size() - unit.suffix.size());
      break;
    }
  }
  double value = 0;
  const auto [end, error] = std::from_chars(lower.data(), lower.data() + lower.size(), value);
  if (error != std::errc() || end != lower.data() + lower.size())
    bad_size(text, "the number or the unit is not understood");
  if (!std::isfinite(value) || value < 0) bad_size(text, "it must be a finite number >= 0");
  const double bytes = std::round(value * factor);
  if (bytes >= static_cast<double>(std::numeric_limits<std::uint64_t>::max())) bad_size(text, "it is too large");
  return static_cast<std::uint64_t>(bytes);
}

std::string format_size(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(units)) {
    value /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", value, units[unit]);
}

}  // namespace strata
