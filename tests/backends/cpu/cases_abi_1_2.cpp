// What ABI 1.2 added, against references written here as plain loops (not strata_reference,
// which strata-cts shares): ROPE with given inverse frequencies (llama3-style scaled ones,
// several rotary_dim, positions far beyond 64), RMS_NORM's weight_offset, SCALE and SOFTCAP
// (large, small and NaN inputs), and ATTENTION with a sliding window and/or soft-capped scores
// (prefill longer than the window with and without n_past, decode past the window, GQA, the
// chunked decode path on long caches). Attention builds the full score matrix and masks it, a
// formulation of its own.
#include "op_case.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace strata_test {
namespace {

// Llama 3.1's rope scaling (factor 8, low 1, high 4, original context 8192) applied to theta's
// frequencies: long wavelengths slow down, short ones stay, the middle blends.
Values llama3_frequencies(std::int64_t rotary_dim, double theta) {
  Values inv_freq(static_cast<std::size_t>(rotary_dim / 2));
  const double factor = 8, low = 1, high = 4, original = 8192;
  for (std::size_t i = 0; i < inv_freq.size(); ++i) {
    const double base = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rotary_dim));
    const double wavelength = 2 * std::numbers::pi / base;
    if (wavelength < original / high) {
      inv_freq[i] = base;
    } else if (wavelength > original / low) {
      inv_freq[i] = base / factor;
    } else {
      const double smooth = (original / wavelength - low) / (high - low);
      inv_freq[i] = (1 - smooth) * base / factor + smooth * base;
    }
  }
  return inv_freq;
}

Reference rope_loop(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim, const Values& positions,
                    const Values& inv_freq) {
  const auto half = static_cast<std::int64_t>(inv_freq.size());
  Reference r{x, Values(x.size())};
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t base = (t * heads + h) * dim;
      for (std::int64_t i = 0; i < dim; ++i) r.scale[base + i] = std::fabs(x[base + i]);
      for (std::int64_t i = 0; i < half; ++i) {
        const double angle = positions[t] * inv_freq[i];
        const double a = x[base + i], b = x[base + i + half];
        r.value[base + i] = a * std::cos(angle) - b * std::sin(angle);
        r.value[base + i + half] = b * std::cos(angle) + a * std::sin(angle);
        r.scale[base + i] = r.scale[base + i + half] = std::fabs(a) + std::fabs(b);
      }
    }
  return r;
}

Reference rms_norm_loop(const Values& x, std::int64_t n, const Values& weight, double eps, double offset) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t row = 0; row * n < x.size(); ++row) {
    double mean_square = 0;
    for (std::int64_t i = 0; i < n; ++i) mean_square += x[row * n + i] * x[row * n + i] / static_cast<double>(n);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::size_t at = row * n + i;
      r.value[at] = x[at] / std::sqrt(mean_square + eps) * (weight[i] + offset);
      r.scale[at] = std::fabs(r.value[at]);
    }
  }
  return r;
}

Reference map_loop(const Values& x, double (*fn)(double, double), double parameter) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.value[i] = fn(x[i], parameter);
    r.scale[i] = 2 * std::fabs(r.value[i]);
  }
  return r;
}

struct Attention {
  std::int64_t tokens, q_heads, kv_heads, dim, cache_len, n_past, window;
  double softcap;
  double range;  // q and k in [-range, range]
};

// Scores for every (query, cache row) pair; masked pairs get -inf, so exp() makes them 0.
Reference attention_loop(const Attention& a, const Values& q, const Values& k, const Values& v) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(a.dim));
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  Reference r{Values(q.size()), Values(q.size())};
  for (std::int64_t t = 0; t < a.tokens; ++t)
    for (std::int64_t h = 0; h < a.q_heads; ++h) {
      const std::int64_t kv = h / (a.q_heads / a.kv_heads);
      const std::int64_t position = a.n_past + t;
      Values p(static_cast<std::size_t>(a.cache_len), minus_infinity);
      double max = minus_infinity, largest_score = 0;
      for (std::int64_t s = 0; s < a.cache_len; ++s) {
        const bool visible = s <= position && (a.window == 0 || s > position - a.window);
        if (!visible) continue;
        double dot = 0;
        for (std::int64_t i = 0; i < a.dim; ++i)
          dot += q[(t * a.q_heads + h) * a.dim + i] * k[(s * a.kv_heads + kv) * a.dim + i];
        double score = dot * scale;
        if (a.softcap > 0) score = a.softcap * std::tanh(score / a.softcap);
        p[s] = score;
        max = std::max(max, score);
        largest_score = std::max(largest_score, std::fabs(score));
      }
      double sum = 0;
      for (double& e : p) sum += (e = std::exp(e - max));
      for (std::int64_t i = 0; i < a.dim; ++i) {
        double out = 0, magnitude = 0;
        for (std::int64_t s = 0; s < a.cache_len; ++s) {
          out += p[s] / sum * v[(s * a.kv_heads + kv) * a.dim + i];
          magnitude += p[s] / sum * std::fabs(v[(s * a.kv_heads + kv) * a.dim + i]);
        }
        r.value[(t * a.q_heads + h) * a.dim + i] = out;
        r.scale[(t * a.q_heads + h) * a.dim + i] = magnitude * (1 + static_cast<double>(a.dim) * largest_score);
      }
    }
  return r;
}

}  // namespace

std::vector<OpCase> rope_frequency_cases() {
  std::vector<OpCase> cases;
  Random random(31);
  struct Shape {
    std::int64_t tokens, heads, dim, rotary, first_position;
  };
  // Positions run from first_position: well past 64, up to Llama 3.1's long contexts.
  const Shape shapes[] = {
      {1, 1, 2, 2, 65}, {3, 2, 8, 8, 100}, {5, 3, 64, 64, 4000}, {4, 2, 96, 32, 70000}, {2, 4, 128, 128, 131000}};
  for (const Shape& s : shapes) {
    const std::vector<std::int64_t> shape = {s.tokens, s.heads, s.dim};
    const HostTensor x = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(element_count(shape), -2, 2));
    Values positions(static_cast<std::size_t>(s.tokens));
    for (std::int64_t t = 0; t < s.tokens; ++t) positions[t] = static_cast<double>(s.first_position + 3 * t);
    const HostTensor pos = make_tensor(STRATA_DTYPE_I32, {s.tokens}, positions);
    const HostTensor freq = make_tensor(STRATA_DTYPE_F32, {s.rotary / 2}, llama3_frequencies(s.rotary, 500000));
    OpCase c = make_case("rope_inv_freq_" + shape_text(shape) + "_rotary_" + std::to_string(s.rotary), STRATA_OP_ROPE,
                         {x, pos, freq}, STRATA_DTYPE_F32, shape,
                         rope_loop(values_of(x), s.tokens, s.heads, s.dim, positions, values_of(freq)));
    c.params.params.rope.rotary_dim = static_cast<std::int32_t>(s.rotary);
    c.params.params.rope.theta = 0;  // ignored with inverse frequencies: 0 must not matter
    cases.push_back(c);
    cases.push_back(in_place(c));
  }
  return cases;
}

std::vector<OpCase> norm_offset_cases() {
  std::vector<OpCase> cases;
  Random random(32);
  for (const std::vector<std::int64_t>& shape : std::vector<std::vector<std::int64_t>>{{1, 1}, {3, 17}, {2, 3, 65}})
    for (strata_dtype w_dtype : {STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16})
      for (float offset : {1.0f, -0.5f}) {
        const std::int64_t n = shape.back();
        const HostTensor x = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(element_count(shape), -2, 2));
        // Gemma stores w - 1: weights around 0, so the offset carries most of the gain.
        const HostTensor w = make_tensor(w_dtype, {n}, random.uniform(n, -0.3, 0.3));
        OpCase c = make_case(
            "rms_norm_offset_" + std::to_string(offset) + "_" + shape_text(shape) + "_w_" + dtype_text(w_dtype),
            STRATA_OP_RMS_NORM, {x, w}, STRATA_DTYPE_F32, shape,
            rms_norm_loop(values_of(x), n, values_of(w), 1e-6, offset));
        c.params.params.norm.eps = 1e-6f;
        c.params.params.norm.weight_offset = offset;
        cases.push_back(c);
        cases.push_back(in_place(c));
      }
  return cases;
}

std::vector<OpCase> scaling_cases() {
  std::vector<OpCase> cases;
  Random random(33);
  for (const std::vector<std::int64_t>& shape : std::vector<std::vector<std::int64_t>>{{1}, {17}, {4, 257}}) {
    const std::int64_t n = element_count(shape);
    for (const double range : {0.001, 5.0, 1e6}) {  // small, moderate, far into saturation
      Values values = random.uniform(n, -range, range);
      if (n > 2) {  // NaN must come through both ops; infinities saturate softcap
        values[1] = std::numeric_limits<double>::quiet_NaN();
        values[n - 1] = std::numeric_limits<double>::infinity();
      }
      const HostTensor x = make_tensor(STRATA_DTYPE_F32, shape, values);
      const std::string suffix = shape_text(shape) + "_range_" + std::to_string(range);
      for (const float factor : {45.254834f, -0.5f}) {  // sqrt(2048), Gemma's embedding scale
        OpCase c =
            make_case("scale_" + std::to_string(factor) + "_" + suffix, STRATA_OP_SCALE, {x}, STRATA_DTYPE_F32, shape,
                      map_loop(
                          values_of(x), [](double v, double f) { return v * f; }, factor));
        c.params.params.scale.factor = factor;
        cases.push_back(c);
        cases.push_back(in_place(c));
      }
      for (const float cap : {30.0f, 50.0f, 0.25f}) {  // Gemma 2's final and attention caps, a tiny one
        OpCase c = make_case(
            "softcap_" + std::to_string(cap) + "_" + suffix, STRATA_OP_SOFTCAP, {x}, STRATA_DTYPE_F32, shape,
            map_loop(
                values_of(x), [](double v, double cap_value) { return cap_value * std::tanh(v / cap_value); }, cap));
        c.params.params.softcap.cap = cap;
        cases.push_back(c);
        cases.push_back(in_place(c));
      }
    }
  }
  return cases;
}

std::vector<OpCase> window_attention_cases() {
  const Attention shapes[] = {
      {6, 2, 2, 8, 6, 0, 3, 0, 1},            // prefill longer than the window, no past
      {5, 4, 2, 16, 12, 4, 4, 0, 1},          // prefill with a past, GQA 2
      {1, 8, 2, 32, 40, 30, 8, 0, 1},         // decode far past the window
      {1, 4, 4, 16, 10, 9, 10, 0, 1},         // window exactly the context
      {3, 4, 1, 8, 20, 2, 64, 0, 1},          // window longer than the context: no effect
      {4, 4, 2, 16, 12, 3, 0, 5.0, 4},        // softcap alone, scores large enough for it to bite
      {5, 6, 3, 16, 14, 6, 4, 2.0, 4},        // softcap and window
      {1, 4, 1, 16, 1300, 1250, 1024, 0, 1},  // decode on a long cache: the chunked path
      {2, 8, 2, 8, 1100, 1000, 300, 20.0, 3},
      {260, 1, 1, 4, 260, 0, 100, 0, 1},  // many tokens, each with its own window
  };
  std::vector<OpCase> cases;
  Random random(34);
  for (const Attention& a : shapes)
    for (strata_dtype kv_dtype : {STRATA_DTYPE_F32, STRATA_DTYPE_F16}) {
      const HostTensor q = make_tensor(STRATA_DTYPE_F32, {a.tokens, a.q_heads, a.dim},
                                       random.uniform(a.tokens * a.q_heads * a.dim, -a.range, a.range));
      const std::int64_t cache = a.cache_len * a.kv_heads * a.dim;
      const HostTensor k =
          make_tensor(kv_dtype, {a.cache_len, a.kv_heads, a.dim}, random.uniform(cache, -a.range, a.range));
      const HostTensor v = make_tensor(kv_dtype, {a.cache_len, a.kv_heads, a.dim}, random.uniform(cache, -1, 1));
      const std::string name = "attention_t" + std::to_string(a.tokens) + "_h" + std::to_string(a.q_heads) + "_kv" +
                               std::to_string(a.kv_heads) + "_s" + std::to_string(a.cache_len) + "_past" +
                               std::to_string(a.n_past) + "_window" + std::to_string(a.window) + "_softcap" +
                               std::to_string(static_cast<int>(a.softcap)) + "_" + dtype_text(kv_dtype);
      OpCase c = make_case(name, STRATA_OP_ATTENTION, {q, k, v}, STRATA_DTYPE_F32, {a.tokens, a.q_heads, a.dim},
                           attention_loop(a, values_of(q), values_of(k), values_of(v)));
      c.params.params.attention.n_past = a.n_past;
      c.params.params.attention.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(a.dim)));
      c.params.params.attention.causal = 1;
      c.params.params.attention.window = a.window;
      c.params.params.attention.softcap = static_cast<float>(a.softcap);
      cases.push_back(c);
    }
  return cases;
}

}  // namespace strata_test
