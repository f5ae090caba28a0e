// MATMUL for few rows of x (decode: M = 1, or one row per sequence of a batched step):
// y[m, n] = sum_k x[m, k] * w[n, k] (+ bias). Bandwidth-bound, so the design is about reading
// the weights at full speed: a work-group of GEMV_WG work-items owns GEMV_ROWS output rows and
// up to GEMV_M rows of x (get_group_id(1) picks which); each work-item reads 8 consecutive
// weights per row per step (one 16-byte load for f16/bf16) and uses them for every row of x it
// holds, so a weight is read once for GEMV_M rows; neighbours read neighbouring 16-byte pieces,
// so a row streams through in coalesced loads; the partial sums meet in a local-memory reduction.
// `vec` (set by the host when K and the weight offset are multiples of 8 and the x offset a
// multiple of 4, so every row starts 16-byte aligned) enables the aligned 8-wide loads;
// otherwise, and for the tail of K, one element at a time.

static inline float8 load8_f32(global const float* w, ulong i) {
  global const float4* p = (global const float4*)(w + i);
  return (float8)(p[0], p[1]);
}
static inline float8 load8_f16(global const half* w, ulong i) { return vloada_half8(0, w + i); }
static inline float8 load8_bf16(global const ushort* w, ulong i) {
  uint4 u = *(global const uint4*)(w + i);
  return (float8)(as_float(u.x << 16), as_float(u.x & 0xffff0000u), as_float(u.y << 16), as_float(u.y & 0xffff0000u),
                  as_float(u.z << 16), as_float(u.z & 0xffff0000u), as_float(u.w << 16), as_float(u.w & 0xffff0000u));
}
static inline float load1_f32(global const float* w, ulong i) { return w[i]; }
static inline float load1_f16(global const half* w, ulong i) { return vload_half(i, w); }
static inline float load1_bf16(global const ushort* w, ulong i) { return bf16_bits_to_float(w[i]); }

#define GEMV_KERNEL(SUFFIX, WTYPE)                                                                               \
  kernel __attribute__((reqd_work_group_size(GEMV_WG, 1, 1))) void gemv_##SUFFIX(                                \
      global const float* x, ulong x_off, global const WTYPE* w, ulong w_off, global const uchar* bias,          \
      ulong bias_off, int bias_dtype, int has_bias, global float* out, ulong out_off, uint K, uint N, int vec,   \
      uint M) {                                                                                                  \
    local float partial[GEMV_ROWS * GEMV_M][GEMV_WG];                                                            \
    uint lid = get_local_id(0);                                                                                  \
    uint row0 = get_group_id(0) * GEMV_ROWS;                                                                     \
    uint m0 = get_group_id(1) * GEMV_M;                                                                          \
    uint rows_of_x = min((uint)GEMV_M, M - m0);                                                                  \
    global const float* xm = x + x_off + (ulong)m0 * K;                                                          \
    ulong row_start[GEMV_ROWS];                                                                                  \
    float acc[GEMV_ROWS][GEMV_M];                                                                                \
    for (uint r = 0; r < GEMV_ROWS; ++r) {                                                                       \
      row_start[r] = w_off + (ulong)min(row0 + r, N - 1) * K; /* past the end: a valid row, result dropped */    \
      for (uint j = 0; j < GEMV_M; ++j) acc[r][j] = 0.0f;                                                        \
    }                                                                                                            \
    uint k_vec = vec ? (K & ~7u) : 0u;                                                                           \
    for (uint k = lid * 8; k < k_vec; k += GEMV_WG * 8) {                                                        \
      float8 wv[GEMV_ROWS];                                                                                      \
      for (uint r = 0; r < GEMV_ROWS; ++r) wv[r] = load8_##SUFFIX(w, row_start[r] + k);                          \
      for (uint j = 0; j < rows_of_x; ++j) {                                                                     \
        global const float4* xp = (global const float4*)(xm + (ulong)j * K + k);                                 \
        float8 xv = (float8)(xp[0], xp[1]);                                                                      \
        for (uint r = 0; r < GEMV_ROWS; ++r) acc[r][j] += dot(xv.lo, wv[r].lo) + dot(xv.hi, wv[r].hi);           \
      }                                                                                                          \
    }                                                                                                            \
    for (uint k = k_vec + lid; k < K; k += GEMV_WG) {                                                            \
      float wv[GEMV_ROWS];                                                                                       \
      for (uint r = 0; r < GEMV_ROWS; ++r) wv[r] = load1_##SUFFIX(w, row_start[r] + k);                          \
      for (uint j = 0; j < rows_of_x; ++j) {                                                                     \
        float xv = xm[(ulong)j * K + k];                                                                         \
        for (uint r = 0; r < GEMV_ROWS; ++r) acc[r][j] += xv * wv[r];                                            \
      }                                                                                                          \
    }                                                                                                            \
    for (uint r = 0; r < GEMV_ROWS; ++r)                                                                         \
      for (uint j = 0; j < GEMV_M; ++j) partial[r * GEMV_M + j][lid] = acc[r][j];                                \
    barrier(CLK_LOCAL_MEM_FENCE);                                                                                \
    for (uint step = GEMV_WG / 2; step > 0; step /= 2) {                                                         \
      if (lid < step)                                                                                            \
        for (uint i = 0; i < GEMV_ROWS * GEMV_M; ++i) partial[i][lid] += partial[i][lid + step];                 \
      barrier(CLK_LOCAL_MEM_FENCE);                                                                              \
    }                                                                                                            \
    for (uint i = lid; i < GEMV_ROWS * GEMV_M; i += GEMV_WG) {                                                   \
      uint r = i / GEMV_M, j = i % GEMV_M;                                                                       \
      if (j < rows_of_x && row0 + r < N) {                                                                       \
        float y = partial[i][0];                                                                                 \
        if (has_bias) y += load_any(bias, bias_dtype, bias_off + row0 + r);                                      \
        out[out_off + (ulong)(m0 + j) * N + row0 + r] = y;                                                       \
      }                                                                                                          \
    }                                                                                                            \
  }

GEMV_KERNEL(f32, float)
GEMV_KERNEL(f16, half)
GEMV_KERNEL(bf16, ushort)
