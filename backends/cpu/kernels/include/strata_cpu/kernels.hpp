// The CPU implementation of backend.h's op set, usable by any backend whose memory is host
// memory (the cpu plugin itself, and the simulated devices of backends/sim).
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <functional>

namespace strata_cpu {

// Maps a buffer handle to the host address of its memory. May throw strata_plugin::Error for
// a handle it does not know.
using ResolveBuffer = std::function<std::byte*(strata_buffer*)>;

// Validates `op` (strata_plugin::validate_op with buffers required), then runs it to completion
// on the calling thread and TBB's workers. Throws strata_plugin::Error on failure; a failed op
// leaves its output untouched. The caller has already checked that every tensor fits in its
// buffer (strata_plugin::check_fits). Outputs may overlap inputs in any way: exact aliasing of
// inputs[0] by elementwise/row-wise ops runs in place, any other overlap reads a snapshot.
void execute(const strata_op& op, const ResolveBuffer& resolve);

}  // namespace strata_cpu
