#version 450
// MATMUL with 2 to MAX_X_ROWS rows of x (a batched decode step: one row per sequence):
// out[j, n] = dot(x[j, :], w[n, :]) (+ bias[n]). matvec.comp's streaming of the weights, with
// every 8 weights loaded used for all the rows of x, so the weights are read once for the whole
// step instead of once per row (the tiled shader would pad the rows to a tile of 64).
// ROWS, MAX_X_ROWS and WG_SIZE are mirrored in the plugin (matmul_ops.cpp).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#include "common.glsl"

#define WG_SIZE 128u
#define ROWS 2u
#define MAX_X_ROWS 8u
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
  uint m;  // rows of x, 1 .. MAX_X_ROWS
} p;

layout(set = 0, binding = 0, std430) readonly buffer XS { float x_s[]; };
layout(set = 0, binding = 0, std430) readonly buffer XV { vec4 x_v[]; };
#include "weights.glsl"
layout(set = 0, binding = 2, std430) readonly buffer BF { float b_f[]; };
layout(set = 0, binding = 2, std430) readonly buffer BU { uint b_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_bias, b_f, b_u)

// One partial sum per (weight row, row of x) and invocation (or subgroup).
shared float partials[ROWS * MAX_X_ROWS * WG_SIZE];

void main() {
  uint row0 = linear_group() * ROWS;
  if (row0 >= p.n) return;  // uniform across the workgroup
  uint lid = gl_LocalInvocationID.x;
  // Rows past the end repeat the last row (valid loads, results dropped) so the loop has no branch.
  uint row_start[ROWS];
  float acc[ROWS][MAX_X_ROWS];
  [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
    row_start[r] = p.w_off + min(row0 + r, p.n - 1u) * p.k;
    [[unroll]] for (uint j = 0u; j < MAX_X_ROWS; ++j) acc[r][j] = 0.0;
  }
  if (p.vectorized != 0u) {
    uint groups = p.k / 8u;
    uint x_vec = p.x_off / 4u;
    uint x_row = p.k / 4u;  // vec4s in a row of x
    for (uint c = lid; c < groups; c += WG_SIZE) {
      vec4 wa[ROWS];
      vec4 wb[ROWS];
      [[unroll]] for (uint r = 0u; r < ROWS; ++r) load8_w(row_start[r] + 8u * c, wa[r], wb[r]);
      [[unroll]] for (uint j = 0u; j < MAX_X_ROWS; ++j) {
        if (j < p.m) {
          vec4 xa = x_v[x_vec + j * x_row + 2u * c];
          vec4 xb = x_v[x_vec + j * x_row + 2u * c + 1u];
          [[unroll]] for (uint r = 0u; r < ROWS; ++r) acc[r][j] += dot(wa[r], xa) + dot(wb[r], xb);
        }
      }
    }
  } else {
    for (uint c = lid; c < p.k; c += WG_SIZE) {
      float wv[ROWS];
      [[unroll]] for (uint r = 0u; r < ROWS; ++r) wv[r] = load_w(row_start[r] + c);
      [[unroll]] for (uint j = 0u; j < MAX_X_ROWS; ++j) {
        if (j < p.m) {
          float xv = x_s[p.x_off + j * p.k + c];
          [[unroll]] for (uint r = 0u; r < ROWS; ++r) acc[r][j] += xv * wv[r];
        }
      }
    }
  }
#ifdef USE_SUBGROUPS
  [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
    [[unroll]] for (uint j = 0u; j < MAX_X_ROWS; ++j) {
      float s = subgroupAdd(acc[r][j]);
      if (subgroupElect()) partials[(gl_SubgroupID * ROWS + r) * MAX_X_ROWS + j] = s;
    }
  }
  barrier();
  for (uint i = lid; i < ROWS * MAX_X_ROWS; i += WG_SIZE) {
    uint r = i / MAX_X_ROWS;
    uint j = i % MAX_X_ROWS;
    if (j >= p.m || row0 + r >= p.n) continue;
    float total = 0.0;
    for (uint g = 0u; g < gl_NumSubgroups; ++g) total += partials[(g * ROWS + r) * MAX_X_ROWS + j];
#else
  [[unroll]] for (uint r = 0u; r < ROWS; ++r) {
    [[unroll]] for (uint j = 0u; j < MAX_X_ROWS; ++j) partials[(r * MAX_X_ROWS + j) * WG_SIZE + lid] = acc[r][j];
  }
  barrier();
  for (uint stride = WG_SIZE / 2u; stride > 0u; stride >>= 1) {
    if (lid < stride) {
      for (uint i = 0u; i < ROWS * MAX_X_ROWS; ++i) partials[i * WG_SIZE + lid] += partials[i * WG_SIZE + lid + stride];
    }
    barrier();
  }
  for (uint i = lid; i < ROWS * MAX_X_ROWS; i += WG_SIZE) {
    uint r = i / MAX_X_ROWS;
    uint j = i % MAX_X_ROWS;
    if (j >= p.m || row0 + r >= p.n) continue;
    float total = partials[i * WG_SIZE];
#endif
    if (p.has_bias != 0u) total += load_bias(p.b_off + row0 + r, p.b_dtype);
    out_f[p.out_off + j * p.n + row0 + r] = total;
  }
}
