// SOFTMAX of (x * scale) along each row; one work-group per row. `out` may be `x`.
kernel __attribute__((reqd_work_group_size(ROW_WG, 1, 1))) void softmax(global const float* x, ulong x_off,
                                                                        global float* out, ulong out_off, uint n,
                                                                        float scale) {
  local float scratch[ROW_WG];
  ulong row = get_group_id(0);
  uint lid = get_local_id(0);
  global const float* xr = x + x_off + row * n;
  float m = -INFINITY;
  for (uint i = lid; i < n; i += ROW_WG) m = fmax(m, xr[i] * scale);
  m = group_max(m, scratch);
  float sum = 0.0f;
  for (uint i = lid; i < n; i += ROW_WG) sum += exp(xr[i] * scale - m);
  float inv = 1.0f / group_sum(sum, scratch);
  global float* yr = out + out_off + row * n;
  for (uint i = lid; i < n; i += ROW_WG) yr[i] = exp(xr[i] * scale - m) * inv;
}
