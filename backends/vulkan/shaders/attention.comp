#version 450
// ATTENTION over a KV cache (f32 or f16), grouped-query heads, causal or not. One workgroup per
// (token, query head, split) streams its share of the keys in blocks of 64 with an online
// softmax: each invocation scores one key of the block (16-byte loads when `vector_keys`), the
// block's probabilities go through shared memory, and each invocation accumulates up to 4 output
// features (head_dim <= 256, checked by the plugin).
// With splits == 1 the workgroup writes the output. With more (decode: few queries, long cache),
// the keys are cut into `splits` chunks so that many workgroups share the cache, and each writes
// its partial state [acc[0..D), max, sum] for attention_combine.comp to merge.
// ABI 1.2: a sliding window starts the keys (and the splits) at the window's first key, so
// masked keys cost nothing; softcap caps each scaled score as c * tanh(s / c).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#include "common.glsl"

#define WG_SIZE 64u
#define MAX_HEAD_DIM 256u
#define FEATURES_PER_INVOCATION 4u
layout(local_size_x = 64) in;
#include "reduce.glsl"

layout(push_constant) uniform Params {
  uint tokens;
  uint q_heads;
  uint kv_heads;
  uint head_dim;
  uint n_past;
  uint causal;
  uint q_off;
  uint k_off;
  uint v_off;
  uint out_off;
  uint kv_dtype;
  float scale;
  uint splits;
  uint chunk;  // keys per split, a multiple of 64
  uint vector_keys;
  uint window;  // 0: none
  float softcap;  // 0: none
} p;

layout(set = 0, binding = 0, std430) readonly buffer Q { float q[]; };
layout(set = 0, binding = 1, std430) readonly buffer KF { float k_f[]; };
layout(set = 0, binding = 1, std430) readonly buffer KU { uint k_u[]; };
layout(set = 0, binding = 1, std430) readonly buffer KV4 { vec4 k_v4[]; };
layout(set = 0, binding = 1, std430) readonly buffer KU4 { uvec4 k_u4[]; };
layout(set = 0, binding = 2, std430) readonly buffer VF { float v_f[]; };
layout(set = 0, binding = 2, std430) readonly buffer VU { uint v_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_k, k_f, k_u)
DEFINE_FLOAT_LOADER(load_v, v_f, v_u)

shared float q_scaled[MAX_HEAD_DIM];
shared float probabilities[WG_SIZE];

const float NEG_LARGE = -3.402823466e38;

// Dot product of the scaled query with the key row starting at element `base`.
float score_of(uint base) {
  float s = 0.0;
  if (p.vector_keys != 0u && p.kv_dtype == DT_F16) {
    for (uint d = 0u; d < p.head_dim; d += 8u) {
      uvec4 u = k_u4[(base + d) >> 3];
      s += dot(vec4(unpackHalf2x16(u.x), unpackHalf2x16(u.y)), vec4(q_scaled[d], q_scaled[d + 1u], q_scaled[d + 2u], q_scaled[d + 3u]));
      s += dot(vec4(unpackHalf2x16(u.z), unpackHalf2x16(u.w)), vec4(q_scaled[d + 4u], q_scaled[d + 5u], q_scaled[d + 6u], q_scaled[d + 7u]));
    }
  } else if (p.vector_keys != 0u) {
    for (uint d = 0u; d < p.head_dim; d += 4u)
      s += dot(k_v4[(base + d) >> 2], vec4(q_scaled[d], q_scaled[d + 1u], q_scaled[d + 2u], q_scaled[d + 3u]));
  } else {
    for (uint d = 0u; d < p.head_dim; ++d) s += q_scaled[d] * load_k(base + d, p.kv_dtype);
  }
  return s;
}

void main() {
  uint item = linear_group();
  if (item >= p.tokens * p.q_heads * p.splits) return;  // uniform across the workgroup
  uint lid = gl_LocalInvocationID.x;
  uint group = item / p.splits;  // token * q_heads + head
  uint split = item % p.splits;
  uint token = group / p.q_heads;
  uint head = group % p.q_heads;
  uint kv_head = head / (p.q_heads / p.kv_heads);
  uint keys = p.causal != 0u ? p.n_past + token + 1u : p.n_past + p.tokens;
  uint window_start = p.window != 0u && keys > p.window ? keys - p.window : 0u;
  uint first_key = window_start + split * p.chunk;
  uint end_key = min(keys, first_key + p.chunk);
  uint row_stride = p.kv_heads * p.head_dim;

  for (uint d = lid; d < p.head_dim; d += WG_SIZE) q_scaled[d] = q[p.q_off + group * p.head_dim + d] * p.scale;
  barrier();

  float running_max = NEG_LARGE;
  float running_sum = 0.0;
  float acc[FEATURES_PER_INVOCATION];
  [[unroll]] for (uint i = 0u; i < FEATURES_PER_INVOCATION; ++i) acc[i] = 0.0;

  for (uint block = first_key; block < end_key; block += WG_SIZE) {
    uint key = block + lid;
    float score = NEG_LARGE;
    if (key < end_key) {
      score = score_of(p.k_off + key * row_stride + kv_head * p.head_dim);
      if (p.softcap > 0.0) score = soft_cap(score, p.softcap);
    }
    float new_max = max(running_max, wg_max(score));
    float probability = key < end_key ? exp(score - new_max) : 0.0;
    float correction = exp(running_max - new_max);
    probabilities[lid] = probability;
    running_sum = running_sum * correction + wg_sum(probability);  // its barrier publishes probabilities
    running_max = new_max;
    uint block_keys = min(WG_SIZE, end_key - block);
    [[unroll]] for (uint i = 0u; i < FEATURES_PER_INVOCATION; ++i) {
      uint d = lid + WG_SIZE * i;
      if (d < p.head_dim) {
        float a = acc[i] * correction;
        uint base = p.v_off + block * row_stride + kv_head * p.head_dim + d;
        for (uint j = 0u; j < block_keys; ++j) a += probabilities[j] * load_v(base + j * row_stride, p.kv_dtype);
        acc[i] = a;
      }
    }
    barrier();  // probabilities are rewritten by the next block
  }

  if (p.splits == 1u) {
    float inverse_sum = 1.0 / running_sum;
    [[unroll]] for (uint i = 0u; i < FEATURES_PER_INVOCATION; ++i) {
      uint d = lid + WG_SIZE * i;
      if (d < p.head_dim) out_f[p.out_off + group * p.head_dim + d] = acc[i] * inverse_sum;
    }
    return;
  }
  // A split past the query's last key wrote nothing above: its state is (max NEG_LARGE, sum 0).
  uint record = p.out_off + item * (p.head_dim + 2u);
  [[unroll]] for (uint i = 0u; i < FEATURES_PER_INVOCATION; ++i) {
    uint d = lid + WG_SIZE * i;
    if (d < p.head_dim) out_f[record + d] = acc[i];
  }
  if (lid == 0u) {
    out_f[record + p.head_dim] = running_max;
    out_f[record + p.head_dim + 1u] = running_sum;
  }
}
