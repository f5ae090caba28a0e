// Strict validation of a safetensors header: everything the loader later trusts (offsets, sizes,
// dtypes) is checked here once, so a malformed or hostile file fails with a clear message
// instead of reading outside the mapping.
#include "model/safetensors_header.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace strata {
namespace {

using nlohmann::json;
using safe_io::printable;

struct SafetensorsDType {
  std::string_view name;
  std::uint64_t size;
  std::optional<DType> dtype;
};

// Every dtype the safetensors format defines.
constexpr SafetensorsDType safetensors_dtypes[] = {
    {"BOOL", 1, std::nullopt},    {"U8", 1, std::nullopt},  {"I8", 1, std::nullopt},  {"F8_E5M2", 1, std::nullopt},
    {"F8_E4M3", 1, std::nullopt}, {"I16", 2, std::nullopt}, {"U16", 2, std::nullopt}, {"F16", 2, DType::f16},
    {"BF16", 2, DType::bf16},     {"I32", 4, DType::i32},   {"U32", 4, std::nullopt}, {"F32", 4, DType::f32},
    {"F64", 8, std::nullopt},     {"I64", 8, std::nullopt}, {"U64", 8, std::nullopt},
};

class HeaderError {
 public:
  explicit HeaderError(std::string_view file_name) : file_name_(file_name) {}
  [[noreturn]] void file(std::string_view why) const {
    throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", file_name_, why));
  }
  [[noreturn]] void tensor(std::string_view name, std::string_view why) const {
    throw Error(StatusCode::invalid_argument, fmt::format("{}: tensor '{}': {}", file_name_, printable(name), why));
  }

 private:
  std::string_view file_name_;
};

std::uint64_t read_u64_le(std::span<const std::byte> bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<std::uint64_t>(bytes[static_cast<std::size_t>(i)]);
  return value;
}

std::uint64_t non_negative_integer(const json& value, const HeaderError& error, std::string_view name,
                                   std::string_view field) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0))
    error.tensor(name, fmt::format("{} must hold non-negative integers", field));
  return value.get<std::uint64_t>();
}

SafetensorsTensor read_tensor(const std::string& name, const json& entry, std::uint64_t data_bytes,
                              const HeaderError& error) {
  if (name.empty()) error.file("a tensor has an empty name");
  if (!entry.is_object()) error.tensor(name, "its entry must be an object with dtype, shape and data_offsets");
  for (const auto& [key, value] : entry.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      error.tensor(name, fmt::format("unknown field '{}'", printable(key)));
  const auto dtype_it = entry.find("dtype");
  const auto shape_it = entry.find("shape");
  const auto offsets_it = entry.find("data_offsets");
  if (dtype_it == entry.end() || shape_it == entry.end() || offsets_it == entry.end())
    error.tensor(name, "dtype, shape and data_offsets are all required");

  SafetensorsTensor tensor;
  tensor.name = name;
  if (!dtype_it->is_string()) error.tensor(name, "dtype must be a string");
  tensor.dtype_name = dtype_it->get<std::string>();
  const SafetensorsDType* dtype = nullptr;
  for (const SafetensorsDType& known : safetensors_dtypes)
    if (known.name == tensor.dtype_name) dtype = &known;
  if (!dtype) error.tensor(name, fmt::format("unknown dtype '{}'", printable(tensor.dtype_name)));
  tensor.dtype = dtype->dtype;

  if (!shape_it->is_array()) error.tensor(name, "shape must be a list of integers");
  std::uint64_t elements = 1;
  for (const json& dim : *shape_it) {
    const std::uint64_t size = non_negative_integer(dim, error, name, "shape");
    if (size > static_cast<std::uint64_t>(INT64_MAX) || __builtin_mul_overflow(elements, size, &elements))
      error.tensor(name, "its shape holds more elements than can be addressed");
    tensor.shape.push_back(static_cast<std::int64_t>(size));
  }
  std::uint64_t expected_bytes = 0;
  if (__builtin_mul_overflow(elements, dtype->size, &expected_bytes))
    error.tensor(name, "its shape holds more bytes than can be addressed");

  if (!offsets_it->is_array() || offsets_it->size() != 2) error.tensor(name, "data_offsets must be [begin, end]");
  tensor.begin = non_negative_integer((*offsets_it)[0], error, name, "data_offsets");
  tensor.end = non_negative_integer((*offsets_it)[1], error, name, "data_offsets");
  if (tensor.begin > tensor.end)
    error.tensor(name, fmt::format("data_offsets [{}, {}] end before they begin", tensor.begin, tensor.end));
  if (tensor.end > data_bytes)
    error.tensor(name, fmt::format("data_offsets [{}, {}] run past the data section ({} bytes)", tensor.begin,
                                   tensor.end, data_bytes));
  if (tensor.end - tensor.begin != expected_bytes)
    error.tensor(name, fmt::format("{} x {} needs {} bytes, but data_offsets [{}, {}] span {}", tensor.dtype_name,
                                   fmt::join(tensor.shape, "x"), expected_bytes, tensor.begin, tensor.end,
                                   tensor.end - tensor.begin));
  return tensor;
}

std::map<std::string, std::string> read_metadata(const json& entry, const HeaderError& error) {
  if (!entry.is_object()) error.file("__metadata__ must be an object of strings");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : entry.items()) {
    if (!value.is_string()) error.file(fmt::format("__metadata__ entry '{}' must be a string", printable(key)));
    metadata[key] = value.get<std::string>();
  }
  return metadata;
}

void check_overlaps(std::vector<SafetensorsTensor>& tensors, const HeaderError& error) {
  std::sort(tensors.begin(), tensors.end(),
            [](const SafetensorsTensor& a, const SafetensorsTensor& b) { return a.begin < b.begin; });
  const SafetensorsTensor* previous = nullptr;
  for (const SafetensorsTensor& tensor : tensors) {
    if (tensor.bytes() == 0) continue;  // an empty tensor occupies no bytes
    if (previous && tensor.begin < previous->end)
      error.tensor(tensor.name, fmt::format("its bytes [{}, {}) overlap those of tensor '{}' [{}, {})", tensor.begin,
                                            tensor.end, printable(previous->name), previous->begin, previous->end));
    if (!previous || tensor.end > previous->end) previous = &tensor;
  }
}

}  // namespace

const SafetensorsTensor* SafetensorsHeader::find(std::string_view name) const {
  auto it = std::lower_bound(tensors.begin(), tensors.end(), name,
                             [](const SafetensorsTensor& tensor, std::string_view key) { return tensor.name < key; });
  return it != tensors.end() && it->name == name ? &*it : nullptr;
}

std::uint64_t detail::safetensors_header_length(std::span<const std::byte> first_bytes, std::uint64_t file_bytes,
                                                std::string_view file_name) {
  const HeaderError error(file_name);
  if (file_bytes < 8 || first_bytes.size() < 8)
    error.file(
        fmt::format("{} bytes is too short for a safetensors file (the header length alone takes 8)", file_bytes));
  const std::uint64_t header_bytes = read_u64_le(first_bytes.first(8));
  if (header_bytes > safetensors_max_header_bytes)
    error.file(
        fmt::format("header length {} exceeds the limit of {} bytes", header_bytes, safetensors_max_header_bytes));
  if (header_bytes > file_bytes - 8)
    error.file(fmt::format("header length {} runs past the end of the file ({} bytes)", header_bytes, file_bytes));
  return header_bytes;
}

SafetensorsHeader detail::parse_safetensors_header_text(std::string_view text, std::uint64_t file_bytes,
                                                        std::string_view file_name) {
  const HeaderError error(file_name);
  SafetensorsHeader header;
  header.data_offset = 8 + text.size();
  header.data_bytes = file_bytes - header.data_offset;

  // Entry by entry, each checked as soon as it is read and then freed: a header of a million
  // tensors never sits in memory as one JSON document. A name given twice would let a later entry
  // silently replace an earlier one: the strict parser refuses it (and any other key given twice).
  std::string why;
  const bool parsed = safe_io::for_each_bounded_json_member(text, why, [&](const std::string& name, json& entry) {
    if (name == "__metadata__")
      header.metadata = read_metadata(entry, error);
    else
      header.tensors.push_back(read_tensor(name, entry, header.data_bytes, error));
  });
  if (!parsed) error.file(fmt::format("the header is not valid JSON: {}", why));
  check_overlaps(header.tensors, error);
  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const SafetensorsTensor& a, const SafetensorsTensor& b) { return a.name < b.name; });
  return header;
}

SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file, std::string_view file_name) {
  const std::uint64_t header_bytes =
      detail::safetensors_header_length(file.first(std::min<std::size_t>(file.size(), 8)), file.size(), file_name);
  const auto* text = reinterpret_cast<const char*>(file.data() + 8);
  return detail::parse_safetensors_header_text(std::string_view(text, header_bytes), file.size(), file_name);
}

}  // namespace strata
