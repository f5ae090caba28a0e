// RMS_NORM and LAYER_NORM: one work-group of ROW_WG work-items per row. `out` may be `x`:
// after the reductions each element is read and then written by the same work-item.

kernel __attribute__((reqd_work_group_size(ROW_WG, 1, 1))) void rms_norm(global const float* x, ulong x_off,
                                                                         global const uchar* w, ulong w_off,
                                                                         int w_dtype, global float* out, ulong out_off,
                                                                         uint n, float eps, float weight_offset) {
  local float scratch[ROW_WG];
  ulong row = get_group_id(0);
  uint lid = get_local_id(0);
  global const float* xr = x + x_off + row * n;
  float sum = 0.0f;
  for (uint i = lid; i < n; i += ROW_WG) sum += xr[i] * xr[i];
  float inv = rsqrt(group_sum(sum, scratch) / (float)n + eps);
  global float* yr = out + out_off + row * n;
  for (uint i = lid; i < n; i += ROW_WG) yr[i] = xr[i] * inv * (load_any(w, w_dtype, w_off + i) + weight_offset);
}

// Two passes (mean, then the mean of squared deviations) for a variance that does not cancel.
kernel __attribute__((reqd_work_group_size(ROW_WG, 1, 1))) void layer_norm(
    global const float* x, ulong x_off, global const uchar* w, ulong w_off, int w_dtype, global const uchar* b,
    ulong b_off, int b_dtype, int has_bias, global float* out, ulong out_off, uint n, float eps) {
  local float scratch[ROW_WG];
  ulong row = get_group_id(0);
  uint lid = get_local_id(0);
  global const float* xr = x + x_off + row * n;
  float sum = 0.0f;
  for (uint i = lid; i < n; i += ROW_WG) sum += xr[i];
  float mean = group_sum(sum, scratch) / (float)n;
  float sq = 0.0f;
  for (uint i = lid; i < n; i += ROW_WG) {
    float d = xr[i] - mean;
    sq += d * d;
  }
  float inv = rsqrt(group_sum(sq, scratch) / (float)n + eps);
  global float* yr = out + out_off + row * n;
  for (uint i = lid; i < n; i += ROW_WG) {
    float y = (xr[i] - mean) * inv * load_any(w, w_dtype, w_off + i);
    if (has_bias) y += load_any(b, b_dtype, b_off + i);
    yr[i] = y;
  }
}
