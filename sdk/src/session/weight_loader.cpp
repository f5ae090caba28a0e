#include "weight_loader.hpp"

#include "allocation.hpp"
#include "core/log.hpp"
#include "model/unit_ops.hpp"

#include <strata/error.hpp>
#include <strata/queue.hpp>

#include <strata_plugin/dtype.hpp>

#include <fmt/format.h>

#include <cstring>

namespace strata::detail {
namespace {

float load_float(const std::byte* in, DType dtype) {
  switch (dtype) {
    case DType::f32: {
      float value = 0;
      std::memcpy(&value, in, 4);
      return value;
    }
    case DType::f16:
    case DType::bf16: {
      std::uint16_t bits = 0;
      std::memcpy(&bits, in, 2);
      return dtype == DType::f16 ? strata_plugin::f16_to_f32(bits) : strata_plugin::bf16_to_f32(bits);
    }
    case DType::i32:
      break;
  }
  throw Error(StatusCode::invalid_argument, "weights must be f32, f16 or bf16");
}

void store_float(float value, DType dtype, std::byte* out) {
  if (dtype == DType::f32) {
    std::memcpy(out, &value, 4);
    return;
  }
  const std::uint16_t bits = dtype == DType::f16 ? strata_plugin::f32_to_f16(value) : strata_plugin::f32_to_bf16(value);
  std::memcpy(out, &bits, 2);
}

}  // namespace

WeightLoader::WeightLoader(const WeightSource& source, const LoadOptions& options, MappedFiles& mapped_files,
                           std::uint64_t bytes_total, std::size_t parameters_total)
    : source_(source), options_(options), mapped_files_(mapped_files) {
  progress_.bytes_total = bytes_total;
  progress_.parameters_total = parameters_total;
}

WeightLoader::~WeightLoader() {
  for (Queue& queue : queues_) {
    try {
      queue.finish();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the load already failed and reports why
    }
  }
}

void WeightLoader::finish() {
  for (Queue& queue : queues_) {
    try {
      queue.finish();
    } catch (const Error& error) {
      throw Error(error.code(), fmt::format("loading onto {}: {}", queue.device().name(), error.what()));
    }
  }
}

Queue& WeightLoader::queue_for(const Device& device) {
  for (Queue& queue : queues_)
    if (queue.device() == device) return queue;
  return queues_.emplace_back(device.create_queue());
}

DeviceWeight WeightLoader::load(DeviceWeights& device, const ParameterInfo& parameter, std::string_view target) {
  check_cancelled(parameter);
  if (auto it = device.weights.find(parameter.name); it != device.weights.end()) {
    report(parameter, target);
    return it->second;
  }
  std::optional<DeviceWeight> weight;
  if (target == disk_tier) weight = map(device, parameter);
  if (!weight) weight = upload(device.device, parameter);
  device.weights.emplace(parameter.name, *weight);
  report(parameter, target);
  return *weight;
}

// "disk": a view into the checkpoint's mapping, imported once per file. Falls back to an upload
// only when the CPU device cannot compute on the stored bytes as they are.
std::optional<DeviceWeight> WeightLoader::map(DeviceWeights& device, const ParameterInfo& parameter) {
  const std::optional<WeightSource::Mapped> mapped = source_.mapped(parameter);
  if (!mapped)
    throw Error(StatusCode::invalid_argument,
                fmt::format("parameter '{}' is placed on \"disk\", but its weights do not come from a "
                            "memory-mapped checkpoint",
                            parameter.name));
  const DeviceInfo& info = device.device.info();
  if (!info.caps.import_host) {
    note_disk_copy(parameter, fmt::format("{} cannot compute on memory it did not allocate", info.name));
    return std::nullopt;
  }
  if (!info.stores(parameter.dtype)) {
    note_disk_copy(parameter,
                   fmt::format("{} does not compute on {} weights as stored", info.name, to_string(parameter.dtype)));
    return std::nullopt;
  }
  if (mapped->offset % dtype_size(parameter.dtype) != 0) {
    note_disk_copy(parameter, "the file stores its data at an offset that is not a multiple of the element size");
    return std::nullopt;
  }
  auto& buffer = device.imported[mapped->region.data()];
  if (!buffer) {
    buffer = std::make_shared<const Buffer>(
        device.device.import_host(const_cast<std::byte*>(mapped->region.data()), mapped->region.size()));
    mapped_files_.add(mapped->owner, mapped->check);
  }
  return DeviceWeight{buffer, mapped->offset, parameter.dtype, parameter.shape, true};
}

void WeightLoader::note_disk_copy(const ParameterInfo& parameter, const std::string& reason) {
  if (!disk_copy_reasons_.insert(reason).second) return;
  log_warning(
      "\"disk\": '{}' (and any other weight for the same reason) is copied into host memory rather than read "
      "from the file as it runs: {}",
      parameter.name, reason);
}

DeviceWeight WeightLoader::upload(const Device& device, const ParameterInfo& parameter) {
  const DType dtype = weight_storage_dtype(device.info(), parameter.dtype);
  const std::uint64_t bytes = static_cast<std::uint64_t>(parameter.shape.elements()) * dtype_size(dtype);
  auto buffer = std::make_shared<Buffer>(allocate_buffer(options_.before_allocate, device, bytes));
  Queue& queue = queue_for(device);
  const std::size_t source_element = dtype_size(parameter.dtype);
  const std::size_t target_element = dtype_size(dtype);
  std::uint64_t written = 0;
  std::vector<std::byte> converted;
  constexpr std::size_t piece_elements = 1 << 18;
  source_.read(parameter, [&](std::span<const std::byte> piece) {
    check_cancelled(parameter);  // a large weight arrives in many pieces
    if (piece.size() % source_element != 0 || written + piece.size() / source_element * target_element > bytes)
      throw Error(StatusCode::internal,
                  fmt::format("weight source gave parameter '{}' in pieces that do not fit it", parameter.name));
    if (dtype == parameter.dtype) {
      queue.write(*buffer, written, piece);
      written += piece.size();
      return;
    }
    const std::size_t elements = piece.size() / source_element;
    for (std::size_t start = 0; start < elements; start += piece_elements) {
      const std::size_t count = std::min(piece_elements, elements - start);
      converted.resize(count * target_element);
      for (std::size_t i = 0; i < count; ++i)
        store_float(load_float(piece.data() + (start + i) * source_element, parameter.dtype), dtype,
                    converted.data() + i * target_element);
      queue.write(*buffer, written, converted);
      written += converted.size();
    }
  });
  if (written != bytes)
    throw Error(StatusCode::internal,
                fmt::format("weight source gave {} of the {} bytes of parameter '{}'", written, bytes, parameter.name));
  return DeviceWeight{std::move(buffer), 0, dtype, parameter.shape, false};
}

// The model's constructor releases everything loaded when this throws.
void WeightLoader::check_cancelled(const ParameterInfo& parameter) const {
  if (options_.cancel.cancelled())
    throw Error(StatusCode::cancelled,
                fmt::format("loading was cancelled at parameter '{}' ({} of {} loaded); everything loaded is released",
                            parameter.name, progress_.parameters_done, progress_.parameters_total));
}

void WeightLoader::report(const ParameterInfo& parameter, std::string_view target) {
  progress_.bytes_done += parameter.bytes();
  ++progress_.parameters_done;
  progress_.parameter = parameter.name;
  progress_.target = target;
  if (options_.on_progress) options_.on_progress(progress_);
}

}  // namespace strata::detail
