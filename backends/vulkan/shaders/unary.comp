#version 450
// SILU, GELU (erf or tanh form), SCALE and SOFTCAP, elementwise on f32; in place is fine.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 256) in;

#define OP_SILU 0u
#define OP_GELU_ERF 1u
#define OP_GELU_TANH 2u
#define OP_SCALE 3u
#define OP_SOFTCAP 4u

layout(push_constant) uniform Params {
  uint n;
  uint in_off;
  uint out_off;
  uint op;
  float value;  // SCALE's factor, SOFTCAP's cap
} p;

layout(set = 0, binding = 0, std430) readonly buffer In { float in_f[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

// erfc(z) for z >= 0 (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). Kept as erfc so the far
// negative tail of gelu keeps its relative accuracy instead of cancelling 1 + erf.
float erfc_nonnegative(float z) {
  float t = 1.0 / (1.0 + 0.3275911 * z);
  float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * exp(-z * z);
}

void main() {
  uint i = linear_group() * 256u + gl_LocalInvocationID.x;
  if (i >= p.n) return;
  float x = in_f[p.in_off + i];
  float result;
  if (p.op == OP_SILU) {
    result = x / (1.0 + exp(-x));
  } else if (p.op == OP_SCALE) {
    result = x * p.value;
  } else if (p.op == OP_SOFTCAP) {
    result = soft_cap(x, p.value);
  } else if (p.op == OP_GELU_ERF) {
    float z = abs(x) * 0.70710678118654752;
    float c = erfc_nonnegative(z);
    result = x >= 0.0 ? 0.5 * x * (2.0 - c) : 0.5 * x * c;
  } else {
    float inner = 0.79788456080286536 * (x + 0.044715 * x * x * x);
    result = 0.5 * x * (1.0 + stable_tanh(inner));
  }
  out_f[p.out_off + i] = result;
}
