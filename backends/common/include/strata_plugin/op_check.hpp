// The shape and dtype rules of the op set, written once: every backend validates with these,
// so all of them accept and refuse exactly the same ops.
#pragma once

#include <strata/backend.h>

#include <cstdint>

namespace strata_plugin {

std::int64_t element_count(const strata_tensor& tensor);
std::uint64_t byte_size(const strata_tensor& tensor);
// Size of the last dimension, and the product of the others.
std::int64_t row_length(const strata_tensor& tensor);
std::int64_t row_count(const strata_tensor& tensor);

const char* op_name(strata_op_kind kind);

// Throws Error(INVALID_ARGUMENT) naming the op and the problem when `op` breaks the op-set
// rules of backend.h. With `check_buffers`, also requires every tensor to have a buffer.
void validate_op(const strata_op& op, bool check_buffers);

// Throws when the tensor's bytes do not fit inside a buffer of `buffer_size` bytes.
void check_fits(const strata_tensor& tensor, std::uint64_t buffer_size, const char* what);

}  // namespace strata_plugin
