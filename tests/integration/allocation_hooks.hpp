// Allocation hooks (LoadOptions / SessionOptions::before_allocate) for the tests that prove a
// failed load or session releases what it took: one counts allocations, one fails the n-th.
#pragma once

#include <strata/error.hpp>
#include <strata/loaded_model.hpp>

#include <string>

namespace strata::test {

// Adds one to `count` for every allocation.
inline BeforeAllocate counting_allocations(int& count) {
  return [&count](const Device&, std::uint64_t) { ++count; };
}

// Throws Error(out_of_memory, "... injected failure ...") at the allocation of index `failing`
// (0: the first); `seen` counts every allocation asked for, the failed one included. Copies of
// the hook share `seen`, so options copied along the way still fail once.
inline BeforeAllocate failing_allocation(int failing, int& seen) {
  return [failing, &seen](const Device& device, std::uint64_t bytes) {
    if (seen++ == failing)
      throw Error(StatusCode::out_of_memory, device.name() + ": injected failure of " + std::to_string(bytes));
  };
}

}  // namespace strata::test
