// ATTENTION over a KV cache (f32 or f16) with grouped-query heads and an optional causal mask.
// Parallel over (token, group of up to four query heads that share one KV head): each task
// reads a KV row once for all heads of its group. Scores and the weighted sum of values are
// accumulated in f32, the softmax is shifted by the row maximum and normalised in double.
#include <strata_plugin/dtype.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace strata_cpu {

void run_attention(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& q = op.inputs[0];
  const strata_tensor& k = op.inputs[1];
  const std::int64_t tokens = q.shape[0];
  const std::int64_t q_heads = q.shape[1];
  const std::int64_t dim = q.shape[2];
  const std::int64_t kv_heads = k.shape[1];
  const std::int64_t group = q_heads / kv_heads;  // query heads per KV head
  const std::int64_t n_past = op.params.attention.n_past;
  const bool causal = op.params.attention.causal != 0;
  const float scale = op.params.attention.scale;
  const auto kv_row_bytes = static_cast<std::int64_t>(dim * strata_plugin::dtype_size(k.dtype));
  const std::int64_t kv_stride = kv_heads * kv_row_bytes;  // bytes from one cache position to the next
  const std::int64_t max_keys = n_past + tokens;
  const std::int64_t subgroups =
      (group + static_cast<std::int64_t>(max_dot_rows) - 1) / static_cast<std::int64_t>(max_dot_rows);
  const float* q_data = as<float>(mem.in[0]);
  const std::byte* k_data = mem.in[1];
  const std::byte* v_data = mem.in[2];
  float* out = as<float>(mem.out);
  const auto d = static_cast<std::size_t>(dim);

  const std::int64_t items = tokens * kv_heads * subgroups;
  parallel_chunks(items, max_keys * dim * 2, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scores(static_cast<std::size_t>(max_keys) * max_dot_rows);
    std::vector<float> acc(d * max_dot_rows);
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t t = item / (kv_heads * subgroups);
      const std::int64_t kv_head = (item / subgroups) % kv_heads;
      const std::int64_t h0 = kv_head * group + (item % subgroups) * static_cast<std::int64_t>(max_dot_rows);
      const auto rows = static_cast<std::size_t>(std::min<std::int64_t>(max_dot_rows, kv_head * group + group - h0));
      const std::int64_t keys = causal ? n_past + t + 1 : max_keys;
      const float* q_rows = q_data + (t * q_heads + h0) * dim;  // `rows` consecutive heads
      const std::byte* k_head = k_data + kv_head * kv_row_bytes;
      const std::byte* v_head = v_data + kv_head * kv_row_bytes;

      for (std::int64_t s = 0; s < keys; ++s)
        dot_rows(q_rows, d, rows, k_head + s * kv_stride, k.dtype, d, scores.data() + s,
                 static_cast<std::size_t>(max_keys));

      for (std::size_t r = 0; r < rows; ++r) {
        float* row_scores = scores.data() + r * static_cast<std::size_t>(max_keys);
        float max = -INFINITY;
        for (std::int64_t s = 0; s < keys; ++s) max = std::max(max, row_scores[s] * scale);
        double sum = 0.0;
        for (std::int64_t s = 0; s < keys; ++s) {
          row_scores[s] = std::exp(row_scores[s] * scale - max);
          sum += row_scores[s];
        }
        float* a = acc.data() + r * d;
        std::fill(a, a + d, 0.0f);
        for (std::int64_t s = 0; s < keys; ++s) axpy(row_scores[s], v_head + s * kv_stride, k.dtype, a, d);
        const auto inv = static_cast<float>(1.0 / sum);
        float* o = out + (t * q_heads + h0 + static_cast<std::int64_t>(r)) * dim;
        for (std::size_t i = 0; i < d; ++i) o[i] = a[i] * inv;
      }
    }
  });
}

}  // namespace strata_cpu
