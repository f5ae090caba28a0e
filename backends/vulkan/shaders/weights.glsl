// The weight binding (binding 1) of the matmul shaders, specialised at build time by W_F32, W_F16
// or W_BF16: a scalar view and a 16-byte view for vector loads, and readers for both.
#ifndef STRATA_WEIGHTS_GLSL
#define STRATA_WEIGHTS_GLSL

#if defined(W_F32)
layout(set = 0, binding = 1, std430) readonly buffer WS { float w_s[]; };
layout(set = 0, binding = 1, std430) readonly buffer WV { vec4 w_v[]; };
float load_w(uint e) { return w_s[e]; }
// Dot product of 8 weights starting at element e (a multiple of 4) with xa, xb.
float dot8_w(uint e, vec4 xa, vec4 xb) { return dot(w_v[e >> 2], xa) + dot(w_v[(e >> 2) + 1u], xb); }
// The 8 weights starting at element e, as two vec4s (for several dot products with them).
void load8_w(uint e, out vec4 wa, out vec4 wb) {
  wa = w_v[e >> 2];
  wb = w_v[(e >> 2) + 1u];
}
#elif defined(W_F16)
layout(set = 0, binding = 1, std430) readonly buffer WS { uint w_s[]; };
layout(set = 0, binding = 1, std430) readonly buffer WV { uvec4 w_v[]; };
float load_w(uint e) { return f16_bits_to_float(half_of_word(w_s[e >> 1], e)); }
// e is a multiple of 8: one 16-byte load holds the 8 halves.
float dot8_w(uint e, vec4 xa, vec4 xb) {
  uvec4 u = w_v[e >> 3];
  vec4 wa = vec4(unpackHalf2x16(u.x), unpackHalf2x16(u.y));
  vec4 wb = vec4(unpackHalf2x16(u.z), unpackHalf2x16(u.w));
  return dot(wa, xa) + dot(wb, xb);
}
void load8_w(uint e, out vec4 wa, out vec4 wb) {
  uvec4 u = w_v[e >> 3];
  wa = vec4(unpackHalf2x16(u.x), unpackHalf2x16(u.y));
  wb = vec4(unpackHalf2x16(u.z), unpackHalf2x16(u.w));
}
#elif defined(W_BF16)
layout(set = 0, binding = 1, std430) readonly buffer WS { uint w_s[]; };
layout(set = 0, binding = 1, std430) readonly buffer WV { uvec4 w_v[]; };
float load_w(uint e) { return bf16_bits_to_float(half_of_word(w_s[e >> 1], e)); }
float dot8_w(uint e, vec4 xa, vec4 xb) {
  uvec4 u = w_v[e >> 3];
  vec4 wa = vec4(unpack_bf16x2(u.x), unpack_bf16x2(u.y));
  vec4 wb = vec4(unpack_bf16x2(u.z), unpack_bf16x2(u.w));
  return dot(wa, xa) + dot(wb, xb);
}
void load8_w(uint e, out vec4 wa, out vec4 wb) {
  uvec4 u = w_v[e >> 3];
  wa = vec4(unpack_bf16x2(u.x), unpack_bf16x2(u.y));
  wb = vec4(unpack_bf16x2(u.z), unpack_bf16x2(u.w));
}
#else
#error "define W_F32, W_F16 or W_BF16"
#endif

#endif
