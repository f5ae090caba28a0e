#include "case_data.hpp"

#include <cmath>
#include <limits>

namespace strata_cts {

std::uint64_t Random::next() {  // splitmix64
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double Random::uniform(double low, double high) {
  const double unit = static_cast<double>(next() >> 11) * 0x1.0p-53;
  return low + (high - low) * unit;
}

std::int64_t Random::integer(std::int64_t low, std::int64_t high_exclusive) {
  const auto span = static_cast<std::uint64_t>(high_exclusive - low);
  return low + static_cast<std::int64_t>(next() % span);
}

std::uint64_t case_seed(std::string_view case_name, std::uint64_t seed) {
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a
  for (const char c : case_name) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return hash ^ seed;
}

namespace {

std::vector<double> uniform_values(Random& random, const TensorSpec& spec, double low, double high) {
  std::vector<double> values(static_cast<std::size_t>(spec.elements()));
  for (double& v : values) v = random.uniform(low, high);
  return values;
}

// Poisons input 0 at its second and last elements (the first when it has only one).
void inject(std::vector<double>& values, DataKind kind) {
  if (kind != DataKind::nan && kind != DataKind::inf) return;
  const std::size_t first = values.size() > 1 ? 1 : 0;
  if (kind == DataKind::nan) {
    values[first] = std::numeric_limits<double>::quiet_NaN();
    values.back() = std::numeric_limits<double>::quiet_NaN();
  } else {
    values[first] = std::numeric_limits<double>::infinity();
    values.back() = -std::numeric_limits<double>::infinity();
  }
}

}  // namespace

std::vector<HostTensor> make_inputs(const OpSpec& spec, std::uint64_t seed) {
  Random random(seed);
  std::vector<std::vector<double>> values(spec.inputs.size());
  const auto fill = [&](std::size_t i, double low, double high) {
    values[i] = uniform_values(random, spec.inputs[i], low, high);
  };
  switch (spec.kind) {
    case STRATA_OP_COPY:
      if (spec.inputs[0].dtype == strata::DType::i32) {
        values[0].resize(static_cast<std::size_t>(spec.inputs[0].elements()));
        for (double& v : values[0]) v = static_cast<double>(random.integer(-2000000000, 2000000000));
      } else {
        fill(0, -4, 4);
      }
      break;
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
      fill(0, -2, 2);
      fill(1, -2, 2);
      break;
    case STRATA_OP_SILU:
    case STRATA_OP_GELU:
      fill(0, -6, 6);  // reaches both tails
      break;
    case STRATA_OP_SILU_MUL:
      fill(0, -4, 4);
      fill(1, -4, 4);
      break;
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
      // A mean far from zero catches a variance computed as E[x^2] - E[x]^2 in float.
      fill(0, spec.kind == STRATA_OP_LAYER_NORM ? 2 : -3, spec.kind == STRATA_OP_LAYER_NORM ? 4 : 3);
      fill(1, 0.5, 1.5);
      if (spec.inputs.size() > 2) fill(2, -1, 1);
      break;
    case STRATA_OP_ROPE: {
      fill(0, -1, 1);
      values[1].resize(static_cast<std::size_t>(spec.inputs[1].elements()));
      for (double& p : values[1])
        p = static_cast<double>(random.integer(0, std::max<std::int64_t>(spec.max_position, 1)));
      if (spec.inverse_frequencies) {  // theta's, with the lower half slowed down as llama3's scaling does
        const std::size_t half = static_cast<std::size_t>(spec.rotary_dim / 2);
        values[2].resize(half);
        for (std::size_t i = 0; i < half; ++i)
          values[2][i] = std::pow(static_cast<double>(spec.theta), -2.0 * static_cast<double>(i) / spec.rotary_dim) /
                         (i >= half / 2 ? 8.0 : 1.0);
      }
      break;
    }
    case STRATA_OP_SCALE:
      fill(0, spec.data == DataKind::large ? -1e30 : -4, spec.data == DataKind::large ? 1e30 : 4);
      break;
    case STRATA_OP_SOFTCAP: {
      // Both regimes: near-linear (|x| << cap) and saturated (|x| >> cap).
      const double range = spec.data == DataKind::large ? 1e30 : 3.0 * spec.softcap;
      fill(0, -range, range);
      break;
    }
    case STRATA_OP_SOFTMAX:
      fill(0, spec.data == DataKind::large ? -2000 : -4, spec.data == DataKind::large ? 2000 : 4);
      break;
    case STRATA_OP_MATMUL:
      fill(0, -1, 1);
      fill(1, -1, 1);
      if (spec.inputs.size() > 2) fill(2, -1, 1);
      break;
    case STRATA_OP_ATTENTION: {
      const double q_range = spec.data == DataKind::large ? 100 : 1;
      fill(0, -q_range, q_range);
      fill(1, -1, 1);
      fill(2, -1, 1);
      // Cache rows past n_past + T are not part of the op: NaN there must never reach the output.
      const std::int64_t used = spec.n_past + spec.inputs[0].shape[0];
      const std::int64_t row = spec.inputs[1].shape[1] * spec.inputs[1].shape[2];
      for (std::size_t cache = 1; cache <= 2; ++cache)
        for (auto i = static_cast<std::size_t>(used * row); i < values[cache].size(); ++i)
          values[cache][i] = std::numeric_limits<double>::quiet_NaN();
      break;
    }
    case STRATA_OP_EMBEDDING: {
      fill(0, -1, 1);
      const std::int64_t vocab = spec.inputs[0].shape[0];
      values[1].resize(static_cast<std::size_t>(spec.inputs[1].elements()));
      for (double& id : values[1]) id = static_cast<double>(random.integer(0, vocab));
      if (spec.data == DataKind::nan)  // poison a row that is looked up, so NaN must come through
        values[0][static_cast<std::size_t>(values[1][0]) * static_cast<std::size_t>(spec.inputs[0].shape[1])] =
            std::numeric_limits<double>::quiet_NaN();
      break;
    }
    default:
      break;
  }
  if (spec.kind != STRATA_OP_EMBEDDING) inject(values[0], spec.data);

  std::vector<HostTensor> tensors;
  tensors.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) tensors.push_back(HostTensor::encode(spec.inputs[i], values[i]));
  return tensors;
}

}  // namespace strata_cts
