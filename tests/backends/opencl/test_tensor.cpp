#include "test_tensor.hpp"

#include <strata_plugin/dtype.hpp>

#include <cstring>
#include <stdexcept>

namespace opencl_test {
namespace {

void put(HostTensor& t, std::int64_t i, float value) {
  switch (t.dtype) {
    case strata::DType::f32:
      std::memcpy(t.bytes.data() + i * 4, &value, 4);
      break;
    case strata::DType::f16: {
      const std::uint16_t h = strata_plugin::f32_to_f16(value);
      std::memcpy(t.bytes.data() + i * 2, &h, 2);
      break;
    }
    case strata::DType::bf16: {
      const std::uint16_t h = strata_plugin::f32_to_bf16(value);
      std::memcpy(t.bytes.data() + i * 2, &h, 2);
      break;
    }
    default:
      throw std::logic_error("put: not a float dtype");
  }
}

HostTensor empty(strata::DType dtype, strata::Shape shape) {
  HostTensor t;
  t.dtype = dtype;
  t.shape = shape;
  t.bytes.resize(static_cast<std::size_t>(shape.elements()) * strata::dtype_size(dtype));
  return t;
}

}  // namespace

std::vector<double> HostTensor::values() const {
  std::vector<double> out(static_cast<std::size_t>(elements()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    switch (dtype) {
      case strata::DType::f32: {
        float v;
        std::memcpy(&v, bytes.data() + i * 4, 4);
        out[i] = v;
        break;
      }
      case strata::DType::f16:
      case strata::DType::bf16: {
        std::uint16_t h;
        std::memcpy(&h, bytes.data() + i * 2, 2);
        out[i] = dtype == strata::DType::f16 ? strata_plugin::f16_to_f32(h) : strata_plugin::bf16_to_f32(h);
        break;
      }
      case strata::DType::i32: {
        std::int32_t v;
        std::memcpy(&v, bytes.data() + i * 4, 4);
        out[i] = v;
        break;
      }
    }
  }
  return out;
}

std::vector<std::int32_t> HostTensor::ints() const {
  std::vector<std::int32_t> out(static_cast<std::size_t>(elements()));
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

HostTensor random_tensor(strata::DType dtype, strata::Shape shape, std::mt19937& rng, float low, float high) {
  HostTensor t = empty(dtype, shape);
  std::uniform_real_distribution<float> dist(low, high);
  for (std::int64_t i = 0; i < t.elements(); ++i) put(t, i, dist(rng));
  return t;
}

HostTensor tensor_from(strata::DType dtype, strata::Shape shape, const std::vector<float>& values) {
  HostTensor t = empty(dtype, shape);
  if (static_cast<std::int64_t>(values.size()) != t.elements()) throw std::logic_error("tensor_from: size mismatch");
  for (std::int64_t i = 0; i < t.elements(); ++i) put(t, i, values[static_cast<std::size_t>(i)]);
  return t;
}

HostTensor int_tensor(strata::Shape shape, const std::vector<std::int32_t>& values) {
  HostTensor t = empty(strata::DType::i32, shape);
  if (static_cast<std::int64_t>(values.size()) != t.elements()) throw std::logic_error("int_tensor: size mismatch");
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

double round_to(strata::DType dtype, double value) {
  const float f = static_cast<float>(value);
  switch (dtype) {
    case strata::DType::f16:
      return strata_plugin::f16_to_f32(strata_plugin::f32_to_f16(f));
    case strata::DType::bf16:
      return strata_plugin::bf16_to_f32(strata_plugin::f32_to_bf16(f));
    default:
      return f;
  }
}

}  // namespace opencl_test
