// Where a Session reads parameters from: checkpoint files (mapped), the integrator's memory, or a
// deterministic random generator that never holds more than one piece of one tensor.
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <strata_plugin/dtype.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace strata {

std::optional<WeightSource::Mapped> WeightSource::mapped(const ParameterInfo&) const { return std::nullopt; }

void CheckpointWeights::read(const ParameterInfo& parameter,
                             const std::function<void(std::span<const std::byte>)>& sink) const {
  const Checkpoint::Entry entry = checkpoint_.at(parameter.name);
  if (entry.tensor->dtype != parameter.dtype || entry.tensor->bytes() != parameter.bytes())
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: tensor '{}' is {} of {} bytes, the graph wants {} of {} bytes",
                            entry.file->path().string(), parameter.name, entry.tensor->dtype_name,
                            entry.tensor->bytes(), to_string(parameter.dtype), parameter.bytes()));
  entry.file->read(*entry.tensor, sink);  // pread: a file truncated since it was opened is an Error, not a SIGBUS
}

std::optional<WeightSource::Mapped> CheckpointWeights::mapped(const ParameterInfo& parameter) const {
  const Checkpoint::Entry entry = checkpoint_.at(parameter.name);
  if (entry.tensor->dtype != parameter.dtype) return std::nullopt;
  entry.file->check_unchanged();
  const SafetensorsFile* file = entry.file;
  return Mapped{file->mapping(), file->header().data_offset + entry.tensor->begin, checkpoint_.state(),
                [file] { file->check_unchanged(); }};
}

void HostWeights::set(std::string name, std::vector<std::byte> bytes) { tensors_[std::move(name)] = std::move(bytes); }

void HostWeights::set_f32(std::string name, std::span<const float> values) {
  const auto bytes = std::as_bytes(values);
  set(std::move(name), std::vector<std::byte>(bytes.begin(), bytes.end()));
}

void HostWeights::read(const ParameterInfo& parameter,
                       const std::function<void(std::span<const std::byte>)>& sink) const {
  auto it = tensors_.find(parameter.name);
  if (it == tensors_.end())
    throw Error(StatusCode::invalid_argument, fmt::format("host weights: no tensor named '{}'", parameter.name));
  if (it->second.size() != parameter.bytes())
    throw Error(StatusCode::invalid_argument, fmt::format("host weights: tensor '{}' holds {} bytes; {} {} needs {}",
                                                          parameter.name, it->second.size(), to_string(parameter.dtype),
                                                          parameter.shape.to_string(), parameter.bytes()));
  sink(it->second);
}

namespace {

// splitmix64: a small, fast generator whose stream depends only on the seed.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t hash_name(std::string_view name) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

void store(float value, DType dtype, std::byte* out) {
  switch (dtype) {
    case DType::f32:
      std::memcpy(out, &value, 4);
      return;
    case DType::f16: {
      const std::uint16_t bits = strata_plugin::f32_to_f16(value);
      std::memcpy(out, &bits, 2);
      return;
    }
    case DType::bf16: {
      const std::uint16_t bits = strata_plugin::f32_to_bf16(value);
      std::memcpy(out, &bits, 2);
      return;
    }
    case DType::i32:
      break;
  }
  throw Error(StatusCode::invalid_argument, "random weights: parameters must be f32, f16 or bf16");
}

}  // namespace

void RandomWeights::read(const ParameterInfo& parameter,
                         const std::function<void(std::span<const std::byte>)>& sink) const {
  const bool is_norm = parameter.name.ends_with("norm.weight");
  const bool is_bias = parameter.name.ends_with(".bias");
  const float scale = parameter.shape.rank() >= 2 ? 1.0f / std::sqrt(static_cast<float>(parameter.shape[1])) : 0.02f;
  std::uint64_t state = seed_ ^ hash_name(parameter.name);
  const std::size_t element = dtype_size(parameter.dtype);
  constexpr std::int64_t piece_elements = 1 << 16;
  std::vector<std::byte> piece(static_cast<std::size_t>(piece_elements) * element);
  const std::int64_t total = parameter.shape.elements();
  for (std::int64_t start = 0; start < total; start += piece_elements) {
    const std::int64_t count = std::min(piece_elements, total - start);
    for (std::int64_t i = 0; i < count; ++i) {
      float value = 1.0f;
      if (!is_norm) {
        const double unit = static_cast<double>(next_random(state) >> 11) * 0x1.0p-53;  // [0, 1)
        value = static_cast<float>(unit * 2.0 - 1.0) * (is_bias ? 0.02f : scale);
      }
      store(value, parameter.dtype, piece.data() + static_cast<std::size_t>(i) * element);
    }
    sink(std::span<const std::byte>(piece.data(), static_cast<std::size_t>(count) * element));
  }
}

}  // namespace strata
