// ATTENTION over a KV cache (f32 or f16) with grouped-query heads, an optional causal mask and
// the ABI 1.2 sliding window and score soft-capping.
//
// Work items are (token, group of up to four query heads that share one KV head): each item
// reads a KV row once for all heads of its group. When there are fewer items than about two
// per worker (decode: one token, few KV heads) the keys are split into chunks as well, each
// chunk producing a partial softmax (its max, its sum, its unnormalised weighted values) that
// a second pass merges exactly ("flash decoding"). Scores and weighted sums accumulate in f32,
// every exp() is shifted by a maximum so it cannot overflow, and normalisers sum in double.
// Masked keys are never computed: each token attends to its own key range [first, end), so
// a sliding window of W keys costs W keys per token whatever the cache length.
#include <strata_plugin/dtype.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace strata_cpu {
namespace {

constexpr std::int64_t rows_per_item = static_cast<std::int64_t>(max_dot_rows);
// Fewer keys than this per chunk cost more in merging than they gain in parallelism.
constexpr std::int64_t min_chunk_keys = 128;

struct Geometry {
  std::int64_t tokens, q_heads, dim, kv_heads, group, subgroups, n_past, max_keys;
  std::int64_t kv_row_bytes, kv_stride;  // bytes of one head's row; from one cache position to the next
  strata_dtype kv_dtype;
  std::int64_t window;  // 0: none
  bool causal;
  float scale;
  float softcap;  // 0: none

  std::int64_t items() const { return tokens * kv_heads * subgroups; }
  // Token t (at position n_past + t) sees keys [first_key(t), end_key(t)).
  std::int64_t end_key(std::int64_t t) const { return causal ? n_past + t + 1 : max_keys; }
  std::int64_t first_key(std::int64_t t) const {
    return window > 0 ? std::max<std::int64_t>(0, n_past + t + 1 - window) : 0;
  }
  // The most keys any token sees.
  std::int64_t max_span() const { return window > 0 ? std::min(window, max_keys) : max_keys; }
};

// Gemma 2's soft-capping, in place on raw scores: scale, then c * tanh(s / c).
void cap_scores(float* scores, std::size_t n, float scale, float cap) {
  const float inv_cap = 1.0f / cap;
  for (std::size_t i = 0; i < n; ++i) scores[i] = cap * std::tanh(scores[i] * scale * inv_cap);
}

// A partial softmax over one chunk of keys for each query row of an item: the scaled-score
// maximum, the sum of exp(score - max) and the sum of exp(score - max) * v.
struct Partial {
  float* max;   // [rows]
  double* sum;  // [rows]
  float* acc;   // [rows, dim]
};

struct Item {
  std::int64_t t, kv_head, h0, rows;
};

Item item_at(const Geometry& g, std::int64_t item) {
  Item it{};
  it.t = item / (g.kv_heads * g.subgroups);
  it.kv_head = (item / g.subgroups) % g.kv_heads;
  it.h0 = it.kv_head * g.group + (item % g.subgroups) * rows_per_item;
  it.rows = std::min(rows_per_item, it.kv_head * g.group + g.group - it.h0);
  return it;
}

// Keys [begin, end) of one item into `partial`; `scores` has room for rows x (end - begin).
void attend_chunk(const Geometry& g, const Item& it, std::int64_t begin, std::int64_t end, const float* q,
                  const std::byte* k, const std::byte* v, float* scores, const Partial& partial) {
  const auto d = static_cast<std::size_t>(g.dim);
  const std::int64_t width = end - begin;
  const float* q_rows = q + (it.t * g.q_heads + it.h0) * g.dim;  // `rows` consecutive heads
  const std::byte* k_first = k + it.kv_head * g.kv_row_bytes + begin * g.kv_stride;
  const std::byte* v_first = v + it.kv_head * g.kv_row_bytes + begin * g.kv_stride;
  const auto rows = static_cast<std::size_t>(it.rows);
  const auto stride = static_cast<std::size_t>(g.kv_heads * g.dim);  // elements between cache positions
  const auto keys = static_cast<std::size_t>(width);
  key_scores(q_rows, d, rows, k_first, g.kv_dtype, stride, keys, d, scores, keys);
  float scale = g.scale;
  if (g.softcap > 0.0f) {  // the capped scores are final: no further scaling
    cap_scores(scores, rows * keys, g.scale, g.softcap);
    scale = 1.0f;
  }
  for (std::int64_t r = 0; r < it.rows; ++r) {
    float* row = scores + r * width;
    float max = -INFINITY;
    for (std::int64_t s = 0; s < width; ++s) max = std::max(max, row[s] * scale);
    partial.max[r] = max;
    partial.sum[r] = vec().exp_sum(row, keys, scale, max);
  }
  std::fill(partial.acc, partial.acc + it.rows * g.dim, 0.0f);
  value_sum(scores, keys, rows, v_first, g.kv_dtype, stride, keys, d, partial.acc, d);
}

}  // namespace

void run_attention(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& q = op.inputs[0];
  const strata_tensor& k = op.inputs[1];
  Geometry g{};
  g.tokens = q.shape[0];
  g.q_heads = q.shape[1];
  g.dim = q.shape[2];
  g.kv_heads = k.shape[1];
  g.group = g.q_heads / g.kv_heads;
  g.subgroups = (g.group + rows_per_item - 1) / rows_per_item;
  g.n_past = op.params.attention.n_past;
  g.max_keys = g.n_past + g.tokens;
  g.kv_row_bytes = g.dim * static_cast<std::int64_t>(strata_plugin::dtype_size(k.dtype));
  g.kv_stride = g.kv_heads * g.kv_row_bytes;
  g.kv_dtype = k.dtype;
  g.window = op.params.attention.window;
  g.causal = op.params.attention.causal != 0;
  g.scale = op.params.attention.scale;
  g.softcap = op.params.attention.softcap;
  const std::int64_t span = g.max_span();

  const std::int64_t workers = tbb::this_task_arena::max_concurrency();
  const std::int64_t items = g.items();
  const std::int64_t wanted = (2 * workers + items - 1) / items;
  const std::int64_t chunks = std::clamp<std::int64_t>(wanted, 1, std::max<std::int64_t>(1, span / min_chunk_keys));
  const std::int64_t chunk_keys = (span + chunks - 1) / chunks;

  const float* q_data = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);
  const std::int64_t unit_work = chunk_keys * g.dim * 2 * rows_per_item;

  if (chunks == 1) {
    // Each item's output rows are contiguous: accumulate there and normalise in place.
    parallel_chunks(items, unit_work, [&](std::int64_t begin, std::int64_t end) {
      std::vector<float> scores(static_cast<std::size_t>(span * rows_per_item));
      float max[rows_per_item];
      double sum[rows_per_item];
      for (std::int64_t item = begin; item < end; ++item) {
        const Item it = item_at(g, item);
        float* o = out + (it.t * g.q_heads + it.h0) * g.dim;
        attend_chunk(g, it, g.first_key(it.t), g.end_key(it.t), q_data, mem.in[1], mem.in[2], scores.data(),
                     {max, sum, o});
        for (std::int64_t r = 0; r < it.rows; ++r) {
          const auto inv = static_cast<float>(1.0 / sum[r]);
          for (std::int64_t i = 0; i < g.dim; ++i) o[r * g.dim + i] *= inv;
        }
      }
    });
    return;
  }

  // Partials for every (item, chunk): rows_per_item entries each.
  const auto slots = static_cast<std::size_t>(items * chunks * rows_per_item);
  std::vector<float> maxes(slots);
  std::vector<double> sums(slots);
  std::vector<float> accs(slots * static_cast<std::size_t>(g.dim));
  const auto partial_at = [&](std::int64_t unit) {
    const auto slot = static_cast<std::size_t>(unit * rows_per_item);
    return Partial{maxes.data() + slot, sums.data() + slot, accs.data() + slot * static_cast<std::size_t>(g.dim)};
  };

  parallel_chunks(items * chunks, unit_work, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scores(static_cast<std::size_t>(chunk_keys * rows_per_item));
    for (std::int64_t unit = begin; unit < end; ++unit) {
      const Item it = item_at(g, unit / chunks);
      const std::int64_t first = g.first_key(it.t) + (unit % chunks) * chunk_keys;
      const std::int64_t last = std::min(first + chunk_keys, g.end_key(it.t));
      const Partial partial = partial_at(unit);
      if (first >= last) {  // a chunk wholly past this token's causal horizon
        std::fill(partial.sum, partial.sum + it.rows, 0.0);
        continue;
      }
      attend_chunk(g, it, first, last, q_data, mem.in[1], mem.in[2], scores.data(), partial);
    }
  });

  // Merge: rescale each chunk's sums to the overall maximum of its row.
  parallel_chunks(items, chunks * g.dim * rows_per_item, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t item = begin; item < end; ++item) {
      const Item it = item_at(g, item);
      for (std::int64_t r = 0; r < it.rows; ++r) {
        float max = -INFINITY;
        for (std::int64_t c = 0; c < chunks; ++c) {
          const Partial p = partial_at(item * chunks + c);
          if (p.sum[r] > 0) max = std::max(max, p.max[r]);
        }
        float* o = out + (it.t * g.q_heads + it.h0 + r) * g.dim;
        std::fill(o, o + g.dim, 0.0f);
        double total = 0.0;
        for (std::int64_t c = 0; c < chunks; ++c) {
          const Partial p = partial_at(item * chunks + c);
          if (!(p.sum[r] > 0)) continue;
          const float weight = std::exp(p.max[r] - max);
          total += p.sum[r] * weight;
          const float* acc = p.acc + r * g.dim;
          for (std::int64_t i = 0; i < g.dim; ++i) o[i] += acc[i] * weight;
        }
        const auto inv = static_cast<float>(1.0 / total);
        for (std::int64_t i = 0; i < g.dim; ++i) o[i] *= inv;
      }
    }
  });
}

}  // namespace strata_cpu
