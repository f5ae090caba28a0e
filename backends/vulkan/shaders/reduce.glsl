// Workgroup-wide sum and max. With USE_SUBGROUPS (the device has subgroup arithmetic in compute
// shaders) each subgroup reduces in registers and one barrier combines the partials; otherwise a
// portable shared-memory tree. Call from uniform control flow; WG_SIZE must be a power of two.
#ifndef STRATA_REDUCE_GLSL
#define STRATA_REDUCE_GLSL

shared float reduce_scratch[WG_SIZE];

#ifdef USE_SUBGROUPS
float wg_sum(float value) {
  value = subgroupAdd(value);
  if (subgroupElect()) reduce_scratch[gl_SubgroupID] = value;
  barrier();
  float total = 0.0;
  for (uint i = 0u; i < gl_NumSubgroups; ++i) total += reduce_scratch[i];
  barrier();
  return total;
}

float wg_max(float value) {
  value = subgroupMax(value);
  if (subgroupElect()) reduce_scratch[gl_SubgroupID] = value;
  barrier();
  float result = reduce_scratch[0];
  for (uint i = 1u; i < gl_NumSubgroups; ++i) result = max(result, reduce_scratch[i]);
  barrier();
  return result;
}
#else
float wg_sum(float value) {
  uint lid = gl_LocalInvocationID.x;
  reduce_scratch[lid] = value;
  barrier();
  for (uint stride = WG_SIZE / 2u; stride > 0u; stride >>= 1) {
    if (lid < stride) reduce_scratch[lid] += reduce_scratch[lid + stride];
    barrier();
  }
  float total = reduce_scratch[0];
  barrier();
  return total;
}

float wg_max(float value) {
  uint lid = gl_LocalInvocationID.x;
  reduce_scratch[lid] = value;
  barrier();
  for (uint stride = WG_SIZE / 2u; stride > 0u; stride >>= 1) {
    if (lid < stride) reduce_scratch[lid] = max(reduce_scratch[lid], reduce_scratch[lid + stride]);
    barrier();
  }
  float result = reduce_scratch[0];
  barrier();
  return result;
}
#endif

#endif
