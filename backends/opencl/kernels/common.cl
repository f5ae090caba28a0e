// Helpers shared by every kernel. Compute is float; storage may be f32, f16 or bf16.
// f16 goes through vload_half/vstore_half (core OpenCL C, so no cl_khr_fp16 is needed) and
// bf16 is the top half of an f32, converted by shifting bits.
// The host passes each tensor as a buffer plus an offset counted in elements.

#define DT_F32 0
#define DT_F16 1
#define DT_BF16 2

static inline float bf16_bits_to_float(uint bits) { return as_float(bits << 16); }

// Round to nearest even; NaN stays a (quiet) NaN.
static inline ushort float_to_bf16_bits(float value) {
  uint bits = as_uint(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return (ushort)((bits >> 16) | 0x40u);
  uint rounding = 0x7fffu + ((bits >> 16) & 1u);
  return (ushort)((bits + rounding) >> 16);
}

// Element i of a tensor whose dtype is only known at run time (uniform across the launch,
// so the branch costs next to nothing).
static inline float load_any(global const uchar* base, int dtype, ulong i) {
  if (dtype == DT_F16) return vload_half(i, (global const half*)base);
  if (dtype == DT_BF16) return bf16_bits_to_float(((global const ushort*)base)[i]);
  return ((global const float*)base)[i];
}

static inline void store_any(global uchar* base, int dtype, ulong i, float value) {
  if (dtype == DT_F16) {
    vstore_half_rte(value, i, (global half*)base);
  } else if (dtype == DT_BF16) {
    ((global ushort*)base)[i] = float_to_bf16_bits(value);
  } else {
    ((global float*)base)[i] = value;
  }
}

// Work-group sum of one value per work-item; every work-item gets the result. `scratch`
// holds get_local_size(0) floats, a power of two.
static inline float group_sum(float value, local float* scratch) {
  uint lid = get_local_id(0);
  uint size = get_local_size(0);
  scratch[lid] = value;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint half_size = size / 2; half_size > 0; half_size /= 2) {
    if (lid < half_size) scratch[lid] += scratch[lid + half_size];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  float result = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);  // scratch may be reused right after
  return result;
}

static inline float group_max(float value, local float* scratch) {
  uint lid = get_local_id(0);
  uint size = get_local_size(0);
  scratch[lid] = value;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint half_size = size / 2; half_size > 0; half_size /= 2) {
    if (lid < half_size) scratch[lid] = fmax(scratch[lid], scratch[lid + half_size]);
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  float result = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return result;
}
