// Runs one op case on one device. Every tensor lives inside a larger buffer whose other bytes
// hold a sentinel pattern; afterwards the suite reads whole buffers back to prove that the op
// wrote nothing outside its output and changed none of its inputs. The output region starts as
// the sentinel too (a NaN in every float dtype), so an element the op forgot to write shows.
#pragma once

#include "host_tensor.hpp"
#include "op_case.hpp"

#include <strata/device.hpp>
#include <strata/queue.hpp>

#include <string>
#include <vector>

namespace strata_cts {

struct RunResult {
  bool supported = true;
  HostTensor output;
  std::vector<std::string> problems;  // guard bands or inputs overwritten
};

// Bytes of sentinel on each side of a tensor.
inline constexpr std::uint64_t guard_bytes = 256;

// Fills `bytes` with the sentinel pattern (0x7fa5 in every 16-bit word).
void fill_sentinel(std::span<std::byte> bytes);
// The first index in `bytes` that does not hold the pattern, or -1.
std::int64_t first_non_sentinel(std::span<const std::byte> bytes);

// Throws strata::Error when the device fails the op. Does not submit when the device says it
// does not support the op (supported = false).
RunResult run_guarded(const strata::Device& device, strata::Queue& queue, const OpSpec& spec,
                      const std::vector<HostTensor>& inputs);

}  // namespace strata_cts
