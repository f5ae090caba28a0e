#version 450
// MATMUL with one row of x (the decode hot path): out[n] = dot(x, w[n, :]) (+ bias[n]).
// Memory bound: each workgroup streams ROWS weight rows once, with 16-byte loads when K and the
// offsets allow (push constant `vectorized`), and reduces across the workgroup with subgroupAdd
// where the device has it (USE_SUBGROUPS), else through shared memory.
// ROWS and WG_SIZE are mirrored in the plugin (matmul_ops.cpp).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#include "common.glsl"

#define WG_SIZE 128u
#define ROWS 2u
layout(local_size_x = 128) in;

layout(push_constant) uniform Params {
  uint k;
  uint n;
  uint x_off;
  uint w_off;
  uint b_off;
  uint out_off;
  uint has_bias;
  uint b_dtype;
  uint vectorized;
} p;

layout(set = 0, binding = 0, std430) readonly buffer XS { float x_s[]; };
layout(set = 0, binding = 0, std430) readonly buffer XV { vec4 x_v[]; };
#include "weights.glsl"
layout(set = 0, binding = 2, std430) readonly buffer BF { float b_f[]; };
layout(set = 0, binding = 2, std430) readonly buffer BU { uint b_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_bias, b_f, b_u)

shared float partials[ROWS * WG_SIZE];

void main() {
  uint row0 = linear_group() * ROWS;
  if (row0 >= p.n) return;  // uniform across the workgroup
  uint lid = gl_LocalInvocationID.x;
  // Rows past the end repeat the last row (valid loads, results dropped) so the loop has no branch.
  uint row_start[ROWS];
  float acc[ROWS];
  [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
    row_start[r] = p.w_off + min(row0 + r, p.n - 1u) * p.k;
    acc[r] = 0.0;
  }
  if (p.vectorized != 0u) {
    uint groups = p.k / 8u;
    uint x_vec = p.x_off / 4u;
    // Two steps per iteration: twice the independent 16-byte loads in flight per invocation.
    uint c = lid;
    for (; c + WG_SIZE < groups; c += 2u * WG_SIZE) {
      uint c1 = c + WG_SIZE;
      vec4 xa0 = x_v[x_vec + 2u * c];
      vec4 xb0 = x_v[x_vec + 2u * c + 1u];
      vec4 xa1 = x_v[x_vec + 2u * c1];
      vec4 xb1 = x_v[x_vec + 2u * c1 + 1u];
      [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
        acc[r] += dot8_w(row_start[r] + 8u * c, xa0, xb0) + dot8_w(row_start[r] + 8u * c1, xa1, xb1);
      }
    }
    if (c < groups) {
      vec4 xa = x_v[x_vec + 2u * c];
      vec4 xb = x_v[x_vec + 2u * c + 1u];
      [[unroll]] for (uint r = 0u; r < ROWS; ++r) acc[r] += dot8_w(row_start[r] + 8u * c, xa, xb);
    }
  } else {
    for (uint c = lid; c < p.k; c += WG_SIZE) {
      float xv = x_s[p.x_off + c];
      [[unroll]] for (uint r = 0u; r < ROWS; ++r) acc[r] += xv * load_w(row_start[r] + c);
    }
  }
#ifdef USE_SUBGROUPS
  [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
    float s = subgroupAdd(acc[r]);
    if (subgroupElect()) partials[gl_SubgroupID * ROWS + r] = s;
  }
  barrier();
  if (lid < ROWS && row0 + lid < p.n) {
    float total = 0.0;
    for (uint g = 0u; g < gl_NumSubgroups; ++g) total += partials[g * ROWS + lid];
#else
  [[unroll]] for (uint r = 0u; r < ROWS; ++r) partials[r * WG_SIZE + lid] = acc[r];
  barrier();
  for (uint stride = WG_SIZE / 2u; stride > 0u; stride >>= 1) {
    if (lid < stride) {
      [[unroll]] for (uint r = 0u; r < ROWS; ++r) partials[r * WG_SIZE + lid] += partials[r * WG_SIZE + lid + stride];
    }
    barrier();
  }
  if (lid < ROWS && row0 + lid < p.n) {
    float total = partials[lid * WG_SIZE];
#endif
    if (p.has_bias != 0u) total += load_bias(p.b_off + row0 + lid, p.b_dtype);
    out_f[p.out_off + row0 + lid] = total;
  }
}
