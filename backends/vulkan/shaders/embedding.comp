#version 450
// EMBEDDING: out[t, :] = table[ids[t], :]. An id outside [0, V) never reads the table: its row
// becomes zeros and a flag in the queue's status buffer makes a later finish or read fail.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
  uint tokens;
  uint dim;
  uint vocab;
  uint table_off;
  uint ids_off;
  uint out_off;
  uint table_dtype;
} p;

layout(set = 0, binding = 0, std430) readonly buffer TableF { float table_f[]; };
layout(set = 0, binding = 0, std430) readonly buffer TableU { uint table_u[]; };
layout(set = 0, binding = 1, std430) readonly buffer Ids { int ids[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };
layout(set = 0, binding = 4, std430) buffer Status { uint status_flags[]; };

DEFINE_FLOAT_LOADER(load_table, table_f, table_u)

#define STATUS_BAD_ID 1u

void main() {
  uint i = linear_group() * 256u + gl_LocalInvocationID.x;
  if (i >= p.tokens * p.dim) return;
  uint token = i / p.dim;
  uint d = i % p.dim;
  int id = ids[p.ids_off + token];
  float value = 0.0;
  if (id < 0 || uint(id) >= p.vocab) {
    if (d == 0u) atomicOr(status_flags[0], STATUS_BAD_ID);
  } else {
    value = load_table(p.table_off + uint(id) * p.dim + d, p.table_dtype);
  }
  out_f[p.out_off + i] = value;
}
