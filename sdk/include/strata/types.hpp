// Value types shared by the whole C++ API: element types, device kinds, shapes.
#pragma once

#include <strata/export.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

enum class DType : std::int32_t { f32 = 0, f16 = 1, bf16 = 2, i32 = 3 };

STRATA_API std::size_t dtype_size(DType dtype);
STRATA_API std::string_view to_string(DType dtype);
// Accepts Strata's and safetensors' spellings ("f32", "F32", "BF16", ...).
STRATA_API std::optional<DType> parse_dtype(std::string_view text);

enum class DeviceKind : std::int32_t { cpu = 0, gpu = 1, igpu = 2, accel = 3 };

STRATA_API std::string_view to_string(DeviceKind kind);

// Row-major dimensions, outermost first; rank 1..4.
class STRATA_API Shape {
 public:
  static constexpr std::size_t max_rank = 4;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims);

  std::size_t rank() const { return rank_; }
  std::int64_t operator[](std::size_t i) const { return dims_[i]; }
  std::int64_t& operator[](std::size_t i) { return dims_[i]; }
  std::int64_t elements() const;
  const std::int64_t* data() const { return dims_.data(); }
  std::string to_string() const;

  friend bool operator==(const Shape& a, const Shape& b);

 private:
  std::array<std::int64_t, max_rank> dims_{};
  std::size_t rank_ = 0;
};

// "1.5GiB", "10GB", "500MiB", "4096": binary and decimal units, as Hugging Face accepts them.
// Throws strata::Error(invalid_argument) naming the text when it is not a size.
STRATA_API std::uint64_t parse_size(std::string_view text);
// 1536 MiB -> "1.50 GiB".
STRATA_API std::string format_size(std::uint64_t bytes);

}  // namespace strata
