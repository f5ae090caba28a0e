// Reads through a file mapping that cannot kill the process: when the file is truncated under the
// mapping, the pages past its new end would raise SIGBUS in whatever thread touches them (the
// CPU backend reads "disk" weights from its TBB workers). A guarded mapping gets a zero page there
// instead and counts the fault; the session checks the file after every step and fails naming it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::detail {

struct GuardedRange;

class MappingGuard {
 public:
  MappingGuard() = default;  // guards nothing
  // Guards [begin, begin + size), a read-only mapping. The first guard installs the process's
  // SIGBUS handler, which hands every fault outside a guarded mapping to the handler it replaced.
  MappingGuard(const void* begin, std::size_t size);
  // Stops guarding; the mapping must still be there (unmap it after).
  ~MappingGuard();
  MappingGuard(MappingGuard&& other) noexcept;
  MappingGuard& operator=(MappingGuard&& other) noexcept;
  MappingGuard(const MappingGuard&) = delete;
  MappingGuard& operator=(const MappingGuard&) = delete;

  // Pages of the mapping replaced by zeros since it was guarded: nonzero means the file shrank.
  std::uint64_t faults() const;

 private:
  GuardedRange* range_ = nullptr;
};

}  // namespace strata::detail
