#include "host_tensor.hpp"

#include "half_float.hpp"

#include <strata/error.hpp>

#include <cstring>

namespace strata_cts {

strata::Shape make_shape(std::span<const std::int64_t> dims) {
  switch (dims.size()) {
    case 1:
      return strata::Shape{dims[0]};
    case 2:
      return strata::Shape{dims[0], dims[1]};
    case 3:
      return strata::Shape{dims[0], dims[1], dims[2]};
    case 4:
      return strata::Shape{dims[0], dims[1], dims[2], dims[3]};
    default:
      throw strata::Error(strata::StatusCode::invalid_argument, "a shape has rank 1..4");
  }
}

double decode_element(strata::DType dtype, const std::byte* element) {
  switch (dtype) {
    case strata::DType::f32: {
      float value;
      std::memcpy(&value, element, sizeof value);
      return value;
    }
    case strata::DType::f16:
    case strata::DType::bf16: {
      std::uint16_t bits;
      std::memcpy(&bits, element, sizeof bits);
      return dtype == strata::DType::f16 ? f16_bits_to_float(bits) : bf16_bits_to_float(bits);
    }
    case strata::DType::i32: {
      std::int32_t value;
      std::memcpy(&value, element, sizeof value);
      return value;
    }
  }
  return 0;
}

void encode_element(strata::DType dtype, double value, std::byte* element) {
  switch (dtype) {
    case strata::DType::f32: {
      const auto f = static_cast<float>(value);
      std::memcpy(element, &f, sizeof f);
      return;
    }
    case strata::DType::f16:
    case strata::DType::bf16: {
      const auto f = static_cast<float>(value);
      const std::uint16_t bits = dtype == strata::DType::f16 ? float_to_f16_bits(f) : float_to_bf16_bits(f);
      std::memcpy(element, &bits, sizeof bits);
      return;
    }
    case strata::DType::i32: {
      const auto i = static_cast<std::int32_t>(value);
      std::memcpy(element, &i, sizeof i);
      return;
    }
  }
}

HostTensor HostTensor::encode(const TensorSpec& spec, std::span<const double> values) {
  HostTensor tensor{spec, std::vector<std::byte>(spec.bytes())};
  const std::size_t size = strata::dtype_size(spec.dtype);
  for (std::size_t i = 0; i < values.size() && i * size < tensor.bytes.size(); ++i)
    encode_element(spec.dtype, values[i], tensor.bytes.data() + i * size);
  return tensor;
}

HostTensor HostTensor::from_bytes(const TensorSpec& spec, std::span<const std::byte> raw) {
  return HostTensor{spec, std::vector<std::byte>(raw.begin(), raw.end())};
}

std::vector<double> HostTensor::decode() const {
  const std::size_t size = strata::dtype_size(spec.dtype);
  std::vector<double> values(bytes.size() / size);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = decode_element(spec.dtype, bytes.data() + i * size);
  return values;
}

}  // namespace strata_cts
