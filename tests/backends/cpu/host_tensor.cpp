#include "host_tensor.hpp"

#include "half_reference.hpp"

#include <cstring>
#include <stdexcept>

namespace strata_test {

std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (auto d : shape) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text;
}

std::int64_t HostTensor::elements() const { return element_count(shape); }

std::size_t element_size(strata_dtype dtype) { return dtype == STRATA_DTYPE_F16 || dtype == STRATA_DTYPE_BF16 ? 2 : 4; }

const char* dtype_text(strata_dtype dtype) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
      return "f32";
    case STRATA_DTYPE_F16:
      return "f16";
    case STRATA_DTYPE_BF16:
      return "bf16";
    default:
      return "i32";
  }
}

HostTensor make_tensor(strata_dtype dtype, std::vector<std::int64_t> shape, const std::vector<double>& values) {
  HostTensor t{dtype, std::move(shape), {}};
  if (static_cast<std::int64_t>(values.size()) != t.elements()) throw std::logic_error("make_tensor: wrong count");
  t.bytes.resize(values.size() * element_size(dtype));
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::byte* p = t.bytes.data() + i * element_size(dtype);
    if (dtype == STRATA_DTYPE_F32) {
      const auto v = static_cast<float>(values[i]);
      std::memcpy(p, &v, 4);
    } else if (dtype == STRATA_DTYPE_I32) {
      const auto v = static_cast<std::int32_t>(values[i]);
      std::memcpy(p, &v, 4);
    } else {
      const std::uint16_t v = dtype == STRATA_DTYPE_F16 ? f16_nearest(values[i]) : bf16_nearest(values[i]);
      std::memcpy(p, &v, 2);
    }
  }
  return t;
}

std::vector<double> decode(strata_dtype dtype, const std::byte* bytes, std::int64_t count) {
  std::vector<double> values(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::byte* p = bytes + i * element_size(dtype);
    if (dtype == STRATA_DTYPE_F32) {
      float v;
      std::memcpy(&v, p, 4);
      values[i] = v;
    } else if (dtype == STRATA_DTYPE_I32) {
      std::int32_t v;
      std::memcpy(&v, p, 4);
      values[i] = v;
    } else {
      std::uint16_t v;
      std::memcpy(&v, p, 2);
      values[i] = dtype == STRATA_DTYPE_F16 ? f16_value(v) : bf16_value(v);
    }
  }
  return values;
}

std::vector<double> values_of(const HostTensor& tensor) {
  return decode(tensor.dtype, tensor.bytes.data(), tensor.elements());
}

std::vector<double> Random::uniform(std::int64_t count, double low, double high) {
  std::uniform_real_distribution<double> dist(low, high);
  std::vector<double> values(static_cast<std::size_t>(count));
  for (double& v : values) v = dist(engine_);
  return values;
}

std::vector<double> Random::ints(std::int64_t count, std::int64_t low, std::int64_t high) {
  std::uniform_int_distribution<std::int64_t> dist(low, high);
  std::vector<double> values(static_cast<std::size_t>(count));
  for (double& v : values) v = static_cast<double>(dist(engine_));
  return values;
}

}  // namespace strata_test
