#version 450
// The second pass of split attention: merges each (token, head)'s per-split states
// [acc[0..D), max, sum] written by attention.comp into the output:
//   out = sum_s acc_s * exp(max_s - M) / sum_s sum_s * exp(max_s - M),  M = max_s max_s.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform Params {
  uint groups;  // tokens * q_heads
  uint head_dim;
  uint splits;
  uint partial_off;
  uint out_off;
} p;

layout(set = 0, binding = 0, std430) readonly buffer Partials { float partials[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

void main() {
  uint group = linear_group();
  if (group >= p.groups) return;
  uint record_size = p.head_dim + 2u;
  uint first = p.partial_off + group * p.splits * record_size;
  float overall_max = -3.402823466e38;
  for (uint s = 0u; s < p.splits; ++s) overall_max = max(overall_max, partials[first + s * record_size + p.head_dim]);
  float total = 0.0;
  for (uint s = 0u; s < p.splits; ++s) {
    uint record = first + s * record_size;
    total += partials[record + p.head_dim + 1u] * exp(partials[record + p.head_dim] - overall_max);
  }
  float inverse_total = 1.0 / total;
  for (uint d = gl_LocalInvocationID.x; d < p.head_dim; d += 64u) {
    float value = 0.0;
    for (uint s = 0u; s < p.splits; ++s) {
      uint record = first + s * record_size;
      value += partials[record + d] * exp(partials[record + p.head_dim] - overall_max);
    }
    out_f[p.out_off + group * p.head_dim + d] = value * inverse_total;
  }
}
