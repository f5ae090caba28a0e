#version 450
// SOFTMAX of each row of (x * scale): one workgroup per row; max, then sum of exponentials, then
// each invocation writes its own elements (so in place is fine).
#extension GL_GOOGLE_include_directive : require
#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#include "common.glsl"

#define WG_SIZE 256u
layout(local_size_x = 256) in;
#include "reduce.glsl"

layout(push_constant) uniform Params {
  uint rows;
  uint n;
  uint in_off;
  uint out_off;
  float scale;
} p;

layout(set = 0, binding = 0, std430) readonly buffer In { float in_f[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

void main() {
  uint row = linear_group();
  if (row >= p.rows) return;  // uniform across the workgroup
  uint lid = gl_LocalInvocationID.x;
  uint base = p.in_off + row * p.n;
  float local_max = -3.402823466e38;
  for (uint i = lid; i < p.n; i += WG_SIZE) local_max = max(local_max, in_f[base + i] * p.scale);
  float row_max = wg_max(local_max);
  float partial = 0.0;
  for (uint i = lid; i < p.n; i += WG_SIZE) partial += exp(in_f[base + i] * p.scale - row_max);
  float inverse_sum = 1.0 / wg_sum(partial);
  uint out_base = p.out_off + row * p.n;
  for (uint i = lid; i < p.n; i += WG_SIZE) out_f[out_base + i] = exp(in_f[base + i] * p.scale - row_max) * inverse_sum;
}
