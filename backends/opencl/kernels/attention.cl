// ATTENTION over a KV cache with grouped-query heads: one work-group of ATT_WG work-items per
// (query token, query head). Keys are visited in chunks of ATT_WG with an online softmax
// (running max and sum, rescaling the partial output), so any context length runs in a fixed
// amount of local memory: q and the output accumulator (head_dim floats each) plus one chunk
// of probabilities. A sliding window (ABI 1.2) starts the keys at the window's first one, so
// masked keys cost nothing; softcap (ABI 1.2) caps each scaled score as c * tanh(s / c).

// q . k for one cache row; `vec` (head_dim and offsets multiples of 8) allows aligned 16-byte
// loads. The dtype branches sit outside the loops so that the loops unroll.
static inline float dot_f16(local const float* q, global const half* k, uint dim, int vec) {
  float s = 0.0f;
  if (vec) {
    for (uint d = 0; d < dim; d += 8) {
      float8 kv = vloada_half8(0, k + d);
      float8 qv = vload8(0, q + d);
      s += dot(qv.lo, kv.lo) + dot(qv.hi, kv.hi);
    }
  } else {
    for (uint d = 0; d < dim; ++d) s += q[d] * vload_half(d, k);
  }
  return s;
}

static inline float dot_f32(local const float* q, global const float* k, uint dim, int vec) {
  float s = 0.0f;
  if (vec) {
    for (uint d = 0; d < dim; d += 8) {
      global const float4* kp = (global const float4*)(k + d);
      s += dot(vload4(0, q + d), kp[0]) + dot(vload4(1, q + d), kp[1]);
    }
  } else {
    for (uint d = 0; d < dim; ++d) s += q[d] * k[d];
  }
  return s;
}

kernel __attribute__((reqd_work_group_size(ATT_WG, 1, 1))) void attention(
    global const float* q, ulong q_off, global const uchar* k, ulong k_off, global const uchar* v, ulong v_off,
    int kv_f16, int vec, global float* out, ulong out_off, uint n_tokens, uint n_heads, uint n_kv_heads, uint head_dim,
    ulong n_past, float scale, int causal, ulong window, float softcap, local float* q_local, local float* acc) {
  local float probs[ATT_WG];
  local float scratch[ATT_WG];
  uint lid = get_local_id(0);
  ulong group = get_group_id(0);  // token * n_heads + head
  uint head = (uint)(group % n_heads);
  ulong token = group / n_heads;
  uint kv_head = head / (n_heads / n_kv_heads);
  ulong kv_stride = (ulong)n_kv_heads * head_dim;  // between consecutive positions
  ulong n_keys = causal ? n_past + token + 1 : n_past + n_tokens;
  ulong first_key = window > 0 && n_keys > window ? n_keys - window : 0;  // window needs causal

  global const float* qh = q + q_off + group * head_dim;
  for (uint d = lid; d < head_dim; d += ATT_WG) {
    q_local[d] = qh[d] * scale;
    acc[d] = 0.0f;
  }
  barrier(CLK_LOCAL_MEM_FENCE);

  float running_max = -INFINITY;
  float running_sum = 0.0f;
  ulong k_head = k_off + (ulong)kv_head * head_dim;
  ulong v_head = v_off + (ulong)kv_head * head_dim;
  for (ulong start = first_key; start < n_keys; start += ATT_WG) {
    uint count = (uint)min((ulong)ATT_WG, n_keys - start);
    float score = -INFINITY;
    if (lid < count) {
      ulong row = k_head + (start + lid) * kv_stride;
      score = kv_f16 ? dot_f16(q_local, (global const half*)k + row, head_dim, vec)
                     : dot_f32(q_local, (global const float*)k + row, head_dim, vec);
      if (softcap > 0.0f) score = softcap * tanh(score / softcap);
    }
    float new_max = fmax(running_max, group_max(score, scratch));
    float correction = exp(running_max - new_max);  // 0 on the first chunk
    float p = lid < count ? exp(score - new_max) : 0.0f;
    probs[lid] = p;
    running_sum = running_sum * correction + group_sum(p, scratch);  // its barriers publish probs
    for (uint d = lid; d < head_dim; d += ATT_WG) {
      float a = acc[d] * correction;
      ulong column = v_head + start * kv_stride + d;
      if (kv_f16) {
        global const half* vp = (global const half*)v + column;
        for (uint j = 0; j < count; ++j) a += probs[j] * vload_half(j * kv_stride, vp);
      } else {
        global const float* vp = (global const float*)v + column;
        for (uint j = 0; j < count; ++j) a += probs[j] * vp[j * kv_stride];
      }
      acc[d] = a;
    }
    running_max = new_max;
    barrier(CLK_LOCAL_MEM_FENCE);  // probs is rewritten by the next chunk
  }

  global float* oh = out + out_off + group * head_dim;
  float inv = 1.0f / running_sum;
  for (uint d = lid; d < head_dim; d += ATT_WG) oh[d] = acc[d] * inv;
}
