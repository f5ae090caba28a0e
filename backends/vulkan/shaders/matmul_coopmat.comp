#version 450
// MATMUL for M > 1 on the matrix units (VK_NV_cooperative_matrix): out[M, N] = x[M, K] . w[N, K]^T
// (+ bias), f16 or bf16 weights (W_F16, W_BF16). The matrix units multiply f16 and add up in f32:
// bf16 weights are converted on their way into shared memory (exact from 6e-5 to 65504), and each
// f32 x is split into two f16 parts, hi + lo, multiplied one after the other, so that x keeps
// about 21 bits instead of f16's 11 and the result matches the f32 shaders. |x| must stay below
// 65504, f16's largest value (STRATA_VULKAN_MATMUL=tiled lifts that limit).
// Each workgroup of SUBGROUPS_M x SUBGROUPS_N subgroups makes a TM x TN tile of the output; each
// subgroup FRAGS_M x FRAGS_N fragments of 16 x 16. K goes in steps of TK through shared memory,
// the next step's tiles fetched into registers while this one multiplies. Needs K % 8 == 0 and
// 16-byte aligned rows, and subgroups of 32 (the plugin checks). Tile sizes are mirrored in the
// plugin (matmul_ops.cpp).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_NV_cooperative_matrix : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#include "common.glsl"

#define FRAG 16u
#define SUBGROUPS_M 2u
#define SUBGROUPS_N 2u
#define FRAGS_M 2u
#define FRAGS_N 2u
#define TM (SUBGROUPS_M * FRAGS_M * FRAG)
#define TN (SUBGROUPS_N * FRAGS_N * FRAG)
#define TK 32u
#define INVOCATIONS (SUBGROUPS_M * SUBGROUPS_N * 32u)
// A shared row holds TK halves and 8 of padding, so that rows start on different banks; in
// 16-byte words, the unit of the shared arrays and of the cooperative loads.
#define ROW_WORDS ((TK + 8u) / 8u)
#define GROUPS_PER_ROW (TK / 8u)
#define X_LOADS (TM * GROUPS_PER_ROW / INVOCATIONS)
#define W_LOADS (TN * GROUPS_PER_ROW / INVOCATIONS)
layout(local_size_x = INVOCATIONS) in;

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

layout(set = 0, binding = 0, std430) readonly buffer XV { vec4 x_v[]; };
layout(set = 0, binding = 1, std430) readonly buffer WV { uvec4 w_v[]; };
layout(set = 0, binding = 2, std430) readonly buffer BF { float b_f[]; };
layout(set = 0, binding = 2, std430) readonly buffer BU { uint b_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_bias, b_f, b_u)

shared uvec4 x_hi_tile[TM * ROW_WORDS];
shared uvec4 x_lo_tile[TM * ROW_WORDS];
shared uvec4 w_tile[TN * ROW_WORDS];
// One 16 x 16 f32 fragment per subgroup, for the bounds-checked store of the results.
shared float staged[SUBGROUPS_M * SUBGROUPS_N * FRAG * FRAG];

// Two f32 as f16 pairs: hi, v with its mantissa cut to f16's 10 bits (so exact in f16), and lo,
// the f16 nearest to what hi leaves over (v - hi is exact in f32). The cut is done on the bits:
// a driver may fold unpackHalf2x16(packHalf2x16(v)) back into v, which would make lo zero.
uvec2 split_pair(vec2 v) {
  vec2 hi = uintBitsToFloat(floatBitsToUint(v) & uvec2(0xffffe000u));
  return uvec2(packHalf2x16(hi), packHalf2x16(v - hi));
}

// 8 elements of x (as hi and lo f16 words) or of w (f16 words) at tile row `row`, k group `group`.
void fetch_x(uint row0, uint row, uint group, uint k0, out uvec4 hi, out uvec4 lo) {
  uint gm = row0 + row;
  uint gk = k0 + group * 8u;
  if (gm >= p.m || gk >= p.k) {
    hi = uvec4(0u);
    lo = uvec4(0u);
    return;
  }
  uint v = (p.x_off + gm * p.k + gk) >> 2u;
  vec4 a = x_v[v];
  vec4 b = x_v[v + 1u];
  uvec2 p0 = split_pair(a.xy);
  uvec2 p1 = split_pair(a.zw);
  uvec2 p2 = split_pair(b.xy);
  uvec2 p3 = split_pair(b.zw);
  hi = uvec4(p0.x, p1.x, p2.x, p3.x);
  lo = uvec4(p0.y, p1.y, p2.y, p3.y);
}

uvec4 fetch_w(uint col0, uint row, uint group, uint k0) {
  uint gn = col0 + row;
  uint gk = k0 + group * 8u;
  if (gn >= p.n || gk >= p.k) return uvec4(0u);
  uvec4 words = w_v[(p.w_off + gn * p.k + gk) >> 3u];
#if defined(W_BF16)
  return uvec4(packHalf2x16(unpack_bf16x2(words.x)), packHalf2x16(unpack_bf16x2(words.y)),
               packHalf2x16(unpack_bf16x2(words.z)), packHalf2x16(unpack_bf16x2(words.w)));
#elif defined(W_F16)
  return words;
#else
#error "define W_F16 or W_BF16"
#endif
}

void main() {
  uint lid = gl_LocalInvocationID.x;
  uint sg = gl_SubgroupID;
  uint sg_m = sg / SUBGROUPS_N;
  uint sg_n = sg % SUBGROUPS_N;
  uint row0 = gl_WorkGroupID.y * TM;
  uint col0 = gl_WorkGroupID.x * TN;

  fcoopmatNV<32, gl_ScopeSubgroup, FRAG, FRAG> acc[FRAGS_M][FRAGS_N];
  [[unroll]] for (uint i = 0u; i < FRAGS_M; ++i)
    [[unroll]] for (uint j = 0u; j < FRAGS_N; ++j) acc[i][j] = fcoopmatNV<32, gl_ScopeSubgroup, FRAG, FRAG>(0.0);

  uvec4 x_hi_next[X_LOADS];
  uvec4 x_lo_next[X_LOADS];
  uvec4 w_next[W_LOADS];
  [[unroll]] for (uint l = 0u; l < X_LOADS; ++l) {
    uint g = lid + INVOCATIONS * l;
    fetch_x(row0, g / GROUPS_PER_ROW, g % GROUPS_PER_ROW, 0u, x_hi_next[l], x_lo_next[l]);
  }
  [[unroll]] for (uint l = 0u; l < W_LOADS; ++l) {
    uint g = lid + INVOCATIONS * l;
    w_next[l] = fetch_w(col0, g / GROUPS_PER_ROW, g % GROUPS_PER_ROW, 0u);
  }

  for (uint k0 = 0u; k0 < p.k; k0 += TK) {
    barrier();  // every subgroup is done with the previous step's tiles
    [[unroll]] for (uint l = 0u; l < X_LOADS; ++l) {
      uint g = lid + INVOCATIONS * l;
      uint at = (g / GROUPS_PER_ROW) * ROW_WORDS + g % GROUPS_PER_ROW;
      x_hi_tile[at] = x_hi_next[l];
      x_lo_tile[at] = x_lo_next[l];
    }
    [[unroll]] for (uint l = 0u; l < W_LOADS; ++l) {
      uint g = lid + INVOCATIONS * l;
      w_tile[(g / GROUPS_PER_ROW) * ROW_WORDS + g % GROUPS_PER_ROW] = w_next[l];
    }
    barrier();
    if (k0 + TK < p.k) {
      [[unroll]] for (uint l = 0u; l < X_LOADS; ++l) {
        uint g = lid + INVOCATIONS * l;
        fetch_x(row0, g / GROUPS_PER_ROW, g % GROUPS_PER_ROW, k0 + TK, x_hi_next[l], x_lo_next[l]);
      }
      [[unroll]] for (uint l = 0u; l < W_LOADS; ++l) {
        uint g = lid + INVOCATIONS * l;
        w_next[l] = fetch_w(col0, g / GROUPS_PER_ROW, g % GROUPS_PER_ROW, k0 + TK);
      }
    }
    [[unroll]] for (uint kk = 0u; kk < TK / FRAG; ++kk) {
      fcoopmatNV<16, gl_ScopeSubgroup, FRAG, FRAG> a_hi[FRAGS_M];
      fcoopmatNV<16, gl_ScopeSubgroup, FRAG, FRAG> a_lo[FRAGS_M];
      [[unroll]] for (uint i = 0u; i < FRAGS_M; ++i) {
        uint at = ((sg_m * FRAGS_M + i) * FRAG) * ROW_WORDS + kk * (FRAG / 8u);
        coopMatLoadNV(a_hi[i], x_hi_tile, at, ROW_WORDS, false);
        coopMatLoadNV(a_lo[i], x_lo_tile, at, ROW_WORDS, false);
      }
      [[unroll]] for (uint j = 0u; j < FRAGS_N; ++j) {
        // w rows are the columns of the B operand: a column-major load.
        fcoopmatNV<16, gl_ScopeSubgroup, FRAG, FRAG> b;
        coopMatLoadNV(b, w_tile, ((sg_n * FRAGS_N + j) * FRAG) * ROW_WORDS + kk * (FRAG / 8u), ROW_WORDS, true);
        [[unroll]] for (uint i = 0u; i < FRAGS_M; ++i) {
          acc[i][j] = coopMatMulAddNV(a_lo[i], b, acc[i][j]);
          acc[i][j] = coopMatMulAddNV(a_hi[i], b, acc[i][j]);
        }
      }
    }
  }

  // Each fragment goes through the subgroup's staging area, then out with bounds and bias.
  uint stage = sg * FRAG * FRAG;
  uint lane = gl_SubgroupInvocationID;
  [[unroll]] for (uint i = 0u; i < FRAGS_M; ++i) {
    [[unroll]] for (uint j = 0u; j < FRAGS_N; ++j) {
      coopMatStoreNV(acc[i][j], staged, stage, FRAG, false);
      subgroupMemoryBarrierShared();
      subgroupBarrier();
      uint frag_row = row0 + (sg_m * FRAGS_M + i) * FRAG;
      uint frag_col = col0 + (sg_n * FRAGS_N + j) * FRAG;
      [[unroll]] for (uint e = lane; e < FRAG * FRAG; e += 32u) {
        uint row = frag_row + e / FRAG;
        uint col = frag_col + e % FRAG;
        if (row < p.m && col < p.n) {
          float bias = p.has_bias != 0u ? load_bias(p.b_off + col, p.b_dtype) : 0.0;
          out_f[p.out_off + row * p.n + col] = staged[stage + e] + bias;
        }
      }
      subgroupBarrier();  // the staging area is read before the next fragment overwrites it
    }
  }
}
