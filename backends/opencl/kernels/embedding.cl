// EMBEDDING: out[t, :] = table[ids[t], :]. An id outside [0, V) reads nothing, writes zeros
// and raises the queue's error flag, which the host turns into INVALID_ARGUMENT.
kernel void embedding(global const uchar* table, ulong table_off, int table_dtype, global const int* ids, ulong ids_off,
                      global float* out, ulong out_off, uint dim, uint vocab, ulong n, global int* error_flag) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  ulong t = i / dim;
  uint d = (uint)(i % dim);
  int id = ids[ids_off + t];
  if (id < 0 || (uint)id >= vocab) {
    *error_flag = 1;
    out[out_off + i] = 0.0f;
    return;
  }
  out[out_off + i] = load_any(table, table_dtype, table_off + (ulong)id * dim + d);
}
