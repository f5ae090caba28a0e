#version 450
// ROPE, Hugging Face rotate_half (NeoX) layout. One invocation per (token, head, j) for
// j < head_dim - rotary_dim / 2: j < rotary_dim / 2 rotates the pair (j, j + rotary_dim / 2),
// larger j copies feature j + rotary_dim / 2, which lies past the rotary part. Each invocation
// reads its features before writing them, so the output may lie over the input. With
// `has_inv_freq` (ABI 1.2) the inverse frequencies are read from binding 2 instead of theta.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
  uint tokens;
  uint heads;
  uint head_dim;
  uint rotary_dim;
  uint x_off;
  uint pos_off;
  uint out_off;
  float theta;
  uint inv_freq_off;
  uint has_inv_freq;
} p;

layout(set = 0, binding = 0, std430) readonly buffer X { float x[]; };
layout(set = 0, binding = 1, std430) readonly buffer Positions { int positions[]; };
layout(set = 0, binding = 2, std430) readonly buffer InvFreq { float inv_freqs[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

// cos and sin are only accurate near [-pi, pi] on some drivers: reduce the angle first, with 2*pi
// split in two floats (Cody-Waite) so large positions keep their precision.
vec2 cos_sin(float angle) {
  const float two_pi_hi = 6.28318548202514648;
  const float two_pi_lo = -1.7484555314695172e-7;
  float k = round(angle / two_pi_hi);
  float r = fma(-k, two_pi_lo, fma(-k, two_pi_hi, angle));
  return vec2(cos(r), sin(r));
}

void main() {
  uint half_rotary = p.rotary_dim / 2u;
  uint per_head = p.head_dim - half_rotary;
  uint i = linear_group() * 256u + gl_LocalInvocationID.x;
  if (i >= p.tokens * p.heads * per_head) return;
  uint j = i % per_head;
  uint head_row = i / per_head;  // token * heads + head
  uint token = head_row / p.heads;
  uint in_base = p.x_off + head_row * p.head_dim;
  uint out_base = p.out_off + head_row * p.head_dim;
  if (j < half_rotary) {
    // inv_freq as Hugging Face computes it in float32: 1 / theta^(2j / rotary_dim).
    float inv_freq = p.has_inv_freq != 0u ? inv_freqs[p.inv_freq_off + j]
                                          : 1.0 / pow(p.theta, float(2u * j) / float(p.rotary_dim));
    float angle = float(positions[p.pos_off + token]) * inv_freq;
    vec2 cs = cos_sin(angle);
    float x1 = x[in_base + j];
    float x2 = x[in_base + j + half_rotary];
    out_f[out_base + j] = x1 * cs.x - x2 * cs.y;
    out_f[out_base + j + half_rotary] = x2 * cs.x + x1 * cs.y;
  } else {
    uint feature = j + half_rotary;
    out_f[out_base + feature] = x[in_base + feature];
  }
}
