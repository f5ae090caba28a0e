#version 450
// queue_copy (and same-dtype COPY) between device buffers whose offsets and size are multiples of
// 4 bytes: a compute copy, because vkCmdCopyBuffer runs on NVIDIA at well under half the memory
// bandwidth a shader reaches. 16 bytes per load and store when both ends start 16-byte aligned,
// a word at a time otherwise; grid-stride, so a capped grid covers any size.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
  uint words;    // how many 32-bit words to copy
  uint src_off;  // in words, from the start of binding 0
  uint dst_off;  // in words, from the start of binding 3
} p;

layout(set = 0, binding = 0, std430) readonly buffer SrcU { uint src_u[]; };
layout(set = 0, binding = 0, std430) readonly buffer SrcV { uvec4 src_v[]; };
layout(set = 0, binding = 3, std430) writeonly buffer DstU { uint dst_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer DstV { uvec4 dst_v[]; };

void main() {
  uint id = linear_group() * 256u + gl_LocalInvocationID.x;
  uint threads = gl_NumWorkGroups.x * gl_NumWorkGroups.y * 256u;
  if (((p.src_off | p.dst_off) & 3u) == 0u) {
    uint quads = p.words >> 2;
    uint s = p.src_off >> 2;
    uint d = p.dst_off >> 2;
    for (uint i = id; i < quads; i += threads) dst_v[d + i] = src_v[s + i];
    uint tail = quads * 4u + id;  // the last 0-3 words
    if (tail < p.words) dst_u[p.dst_off + tail] = src_u[p.src_off + tail];
  } else {
    for (uint i = id; i < p.words; i += threads) dst_u[p.dst_off + i] = src_u[p.src_off + i];
  }
}
