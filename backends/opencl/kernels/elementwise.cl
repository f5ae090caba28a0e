// ADD / MUL with the second operand full-size or broadcast over rows; SILU, GELU, SILU_MUL;
// SCALE and SOFTCAP (ABI 1.2).
// `out` may be the same memory as `a` (element i reads then writes only element i).

#define BINARY_ADD 0
#define BINARY_MUL 1

kernel void binary_op(global const float* a, ulong a_off, global const uchar* b, ulong b_off, int b_dtype, ulong b_len,
                      global float* out, ulong out_off, ulong n, int op) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  float x = a[a_off + i];
  float y = load_any(b, b_dtype, b_off + (b_len == n ? i : i % b_len));
  out[out_off + i] = op == BINARY_ADD ? x + y : x * y;
}

#define UNARY_SILU 0
#define UNARY_GELU_ERF 1
#define UNARY_GELU_TANH 2

static inline float silu(float x) { return x / (1.0f + exp(-x)); }

kernel void unary_op(global const float* in, ulong in_off, global float* out, ulong out_off, ulong n, int op) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  float x = in[in_off + i];
  float y;
  if (op == UNARY_SILU) {
    y = silu(x);
  } else if (op == UNARY_GELU_ERF) {
    y = 0.5f * x * (1.0f + erf(x * 0.70710678118654752f));
  } else {
    float inner = 0.79788456080286536f * (x + 0.044715f * x * x * x);
    y = 0.5f * x * (1.0f + tanh(inner));
  }
  out[out_off + i] = y;
}

#define SCALAR_SCALE 0
#define SCALAR_SOFTCAP 1

// SCALE: x * value; SOFTCAP: value * tanh(x / value) (tanh saturates, NaN stays NaN).
kernel void scalar_op(global const float* in, ulong in_off, global float* out, ulong out_off, ulong n, int op,
                      float value) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  float x = in[in_off + i];
  out[out_off + i] = op == SCALAR_SCALE ? x * value : value * tanh(x / value);
}

kernel void silu_mul(global const float* gate, ulong gate_off, global const float* up, ulong up_off, global float* out,
                     ulong out_off, ulong n) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  out[out_off + i] = silu(gate[gate_off + i]) * up[up_off + i];
}
