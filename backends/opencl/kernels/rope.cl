// ROPE, Hugging Face rotate_half layout. One work-item per (token, head, j) with
// j < D - rotary_dim/2: j < rotary_dim/2 rotates the pair (j, j + half); the others copy one
// feature past the rotary part. Each pair is read and written by one work-item, so `out`
// may be `x`. With `has_inv_freq` (ABI 1.2) the inverse frequencies come from `inv_freq`
// instead of theta.
kernel void rope(global const float* x, ulong x_off, global const int* pos, ulong pos_off, global float* out,
                 ulong out_off, uint n_heads, uint head_dim, uint rotary_dim, float theta, global const float* inv_freq,
                 ulong inv_freq_off, int has_inv_freq, ulong n_items) {
  ulong item = get_global_id(0);
  if (item >= n_items) return;
  uint half_rot = rotary_dim / 2;
  uint per_head = head_dim - half_rot;
  uint j = (uint)(item % per_head);
  ulong head = item / per_head;  // token * n_heads + h
  ulong token = head / n_heads;
  global const float* xh = x + x_off + head * head_dim;
  global float* yh = out + out_off + head * head_dim;
  if (j < half_rot) {
    float freq = has_inv_freq ? inv_freq[inv_freq_off + j] : pow(theta, -(float)(2 * j) / (float)rotary_dim);
    float angle = (float)pos[pos_off + token] * freq;
    float c = cos(angle);
    float s = sin(angle);
    float a = xh[j];
    float b = xh[j + half_rot];
    yh[j] = a * c - b * s;
    yh[j + half_rot] = b * c + a * s;
  } else {
    uint d = j + half_rot;
    yh[d] = xh[d];
  }
}
