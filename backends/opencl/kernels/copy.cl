// COPY between dtypes (same-dtype copies use clEnqueueCopyBuffer on the host side).
kernel void convert_copy(global const uchar* in, ulong in_off, int in_dtype, global uchar* out, ulong out_off,
                         int out_dtype, ulong n) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  store_any(out, out_dtype, out_off + i, load_any(in, in_dtype, in_off + i));
}
