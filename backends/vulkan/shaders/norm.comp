#version 450
// RMS_NORM and LAYER_NORM: one workgroup per row. Layer norm takes the mean first and then the
// biased variance of (x - mean), two passes for accuracy. Each invocation rereads and rewrites
// only its own elements after the reductions, so the output may lie over the input.
#extension GL_GOOGLE_include_directive : require
#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#include "common.glsl"

#define WG_SIZE 256u
layout(local_size_x = 256) in;
#include "reduce.glsl"

#define MODE_RMS 0u
#define MODE_LAYER 1u

layout(push_constant) uniform Params {
  uint rows;
  uint n;
  uint x_off;
  uint w_off;
  uint b_off;
  uint out_off;
  uint w_dtype;
  uint b_dtype;
  uint has_bias;
  uint mode;
  float eps;
  float weight_offset;  // ABI 1.2, RMS only: Gemma's (1 + w)
} p;

layout(set = 0, binding = 0, std430) readonly buffer X { float x[]; };
layout(set = 0, binding = 1, std430) readonly buffer WF { float w_f[]; };
layout(set = 0, binding = 1, std430) readonly buffer WU { uint w_u[]; };
layout(set = 0, binding = 2, std430) readonly buffer BF { float b_f[]; };
layout(set = 0, binding = 2, std430) readonly buffer BU { uint b_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_w, w_f, w_u)
DEFINE_FLOAT_LOADER(load_b, b_f, b_u)

void main() {
  uint row = linear_group();
  if (row >= p.rows) return;  // uniform across the workgroup
  uint lid = gl_LocalInvocationID.x;
  uint base = p.x_off + row * p.n;
  float count = float(p.n);
  float mean = 0.0;
  float scale;
  if (p.mode == MODE_LAYER) {
    float partial = 0.0;
    for (uint i = lid; i < p.n; i += WG_SIZE) partial += x[base + i];
    mean = wg_sum(partial) / count;
    float squares = 0.0;
    for (uint i = lid; i < p.n; i += WG_SIZE) {
      float d = x[base + i] - mean;
      squares += d * d;
    }
    scale = 1.0 / sqrt(wg_sum(squares) / count + p.eps);
  } else {
    float squares = 0.0;
    for (uint i = lid; i < p.n; i += WG_SIZE) {
      float v = x[base + i];
      squares += v * v;
    }
    scale = 1.0 / sqrt(wg_sum(squares) / count + p.eps);
  }
  uint out_base = p.out_off + row * p.n;
  for (uint i = lid; i < p.n; i += WG_SIZE) {
    float y = (x[base + i] - mean) * scale * (load_w(p.w_off + i, p.w_dtype) + p.weight_offset);
    if (p.has_bias != 0u) y += load_b(p.b_off + i, p.b_dtype);
    out_f[out_base + i] = y;
  }
}
