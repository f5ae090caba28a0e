// MATMUL for M > 1: out[M, N] = x[M, K] * w[N, K]^T (+ bias), tiled through local memory.
// A 16x16 work-group computes a GEMM_TS x GEMM_TS tile of out (GEMM_TS = 16 * GEMM_WPT); each
// work-item keeps GEMM_WPT x GEMM_WPT sums in registers, at rows ty + 16 i and columns
// tx + 16 j so that neighbouring work-items write neighbouring outputs. Both operands are
// K-contiguous ("NT"), staged GEMM_TK columns at a time, weights converted to f32 on the way
// into local memory. Edges are zero-padded, so any M, N, K works.

#define GEMM_TS (16 * GEMM_WPT)
#define GEMM_TK 16

#define GEMM_KERNEL(SUFFIX, WTYPE)                                                                              \
  kernel __attribute__((reqd_work_group_size(16, 16, 1))) void gemm_##SUFFIX(                                   \
      global const float* x, ulong x_off, global const WTYPE* w, ulong w_off, global const uchar* bias,         \
      ulong bias_off, int bias_dtype, int has_bias, global float* out, ulong out_off, uint M, uint N, uint K) { \
    local float xs[GEMM_TK][GEMM_TS + 1];                                                                       \
    local float ws[GEMM_TK][GEMM_TS + 1];                                                                       \
    uint tx = get_local_id(0);                                                                                  \
    uint ty = get_local_id(1);                                                                                  \
    uint tid = ty * 16 + tx;                                                                                    \
    uint n0 = get_group_id(0) * GEMM_TS;                                                                        \
    uint m0 = get_group_id(1) * GEMM_TS;                                                                        \
    float acc[GEMM_WPT][GEMM_WPT];                                                                              \
    for (uint i = 0; i < GEMM_WPT; ++i)                                                                         \
      for (uint j = 0; j < GEMM_WPT; ++j) acc[i][j] = 0.0f;                                                     \
    for (uint k0 = 0; k0 < K; k0 += GEMM_TK) {                                                                  \
      for (uint l = 0; l < GEMM_WPT; ++l) { /* GEMM_TS * GEMM_TK / 256 elements each */                         \
        uint idx = tid + l * 256;                                                                               \
        uint r = idx / GEMM_TK;                                                                                 \
        uint c = idx % GEMM_TK;                                                                                 \
        uint gk = k0 + c;                                                                                       \
        uint gm = m0 + r;                                                                                       \
        uint gn = n0 + r;                                                                                       \
        xs[c][r] = (gm < M && gk < K) ? x[x_off + (ulong)gm * K + gk] : 0.0f;                                   \
        ws[c][r] = (gn < N && gk < K) ? load1_##SUFFIX(w, w_off + (ulong)gn * K + gk) : 0.0f;                   \
      }                                                                                                         \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                             \
      for (uint kk = 0; kk < GEMM_TK; ++kk) {                                                                   \
        float a[GEMM_WPT];                                                                                      \
        float b[GEMM_WPT];                                                                                      \
        for (uint i = 0; i < GEMM_WPT; ++i) a[i] = xs[kk][ty + 16 * i];                                         \
        for (uint j = 0; j < GEMM_WPT; ++j) b[j] = ws[kk][tx + 16 * j];                                         \
        for (uint i = 0; i < GEMM_WPT; ++i)                                                                     \
          for (uint j = 0; j < GEMM_WPT; ++j) acc[i][j] += a[i] * b[j];                                         \
      }                                                                                                         \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                             \
    }                                                                                                           \
    for (uint i = 0; i < GEMM_WPT; ++i) {                                                                       \
      uint gm = m0 + ty + 16 * i;                                                                               \
      if (gm >= M) continue;                                                                                    \
      for (uint j = 0; j < GEMM_WPT; ++j) {                                                                     \
        uint gn = n0 + tx + 16 * j;                                                                             \
        if (gn >= N) continue;                                                                                  \
        float y = acc[i][j];                                                                                    \
        if (has_bias) y += load_any(bias, bias_dtype, bias_off + gn);                                           \
        out[out_off + (ulong)gm * N + gn] = y;                                                                  \
      }                                                                                                         \
    }                                                                                                           \
  }

GEMM_KERNEL(f32, float)
GEMM_KERNEL(f16, half)
GEMM_KERNEL(bf16, ushort)
