#version 450
// MATMUL for M > 1: out[M, N] = x[M, K] . w[N, K]^T (+ bias). 64 x 64 output tiles per
// workgroup, K in steps of 16 through shared memory (weights converted to f32 on the way in),
// 4 x 4 outputs per invocation. Edges are zero-filled, so any shape works.
// Tile sizes are mirrored in the plugin (matmul_ops.cpp).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

#define BM 64u
#define BN 64u
#define BK 16u
layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
  uint m;
  uint n;
  uint k;
  uint x_off;
  uint w_off;
  uint b_off;
  uint out_off;
  uint has_bias;
  uint b_dtype;
} p;

layout(set = 0, binding = 0, std430) readonly buffer X { float x_s[]; };
#include "weights.glsl"
layout(set = 0, binding = 2, std430) readonly buffer BF { float b_f[]; };
layout(set = 0, binding = 2, std430) readonly buffer BU { uint b_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_bias, b_f, b_u)

// [k][m] with one float of padding so the transposed stores spread over the banks.
shared float x_tile[BK][BM + 1u];
shared float w_tile[BK][BN + 1u];

void main() {
  uint lid = gl_LocalInvocationID.x;
  uint tx = lid % 16u;
  uint ty = lid / 16u;
  uint col0 = gl_WorkGroupID.x * BN;
  uint row0 = gl_WorkGroupID.y * BM;
  float acc[4][4];
  [[unroll]] for (uint i = 0u; i < 4u; ++i)
    [[unroll]] for (uint j = 0u; j < 4u; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0u; k0 < p.k; k0 += BK) {
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
      uint idx = lid + 256u * i;
      uint r = idx / BK;
      uint kk = idx % BK;
      uint gk = k0 + kk;
      uint gm = row0 + r;
      uint gn = col0 + r;
      x_tile[kk][r] = (gm < p.m && gk < p.k) ? x_s[p.x_off + gm * p.k + gk] : 0.0;
      w_tile[kk][r] = (gn < p.n && gk < p.k) ? load_w(p.w_off + gn * p.k + gk) : 0.0;
    }
    barrier();
    [[unroll]] for (uint kk = 0u; kk < BK; ++kk) {
      float a[4];
      float b[4];
      [[unroll]] for (uint i = 0u; i < 4u; ++i) a[i] = x_tile[kk][ty + 16u * i];
      [[unroll]] for (uint j = 0u; j < 4u; ++j) b[j] = w_tile[kk][tx + 16u * j];
      [[unroll]] for (uint i = 0u; i < 4u; ++i)
        [[unroll]] for (uint j = 0u; j < 4u; ++j) acc[i][j] += a[i] * b[j];
    }
    barrier();
  }

  [[unroll]] for (uint j = 0u; j < 4u; ++j) {
    uint col = col0 + tx + 16u * j;
    if (col >= p.n) continue;
    float bias = p.has_bias != 0u ? load_bias(p.b_off + col, p.b_dtype) : 0.0;
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
      uint row = row0 + ty + 16u * i;
      if (row < p.m) out_f[p.out_off + row * p.n + col] = acc[i][j] + bias;
    }
  }
}
