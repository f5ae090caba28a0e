// The host CPU's memory: buffers are allocated 64-byte aligned (a cache line, and enough for
// any vector load); the free memory is MemAvailable.
#include "cpu_device.hpp"

#include <strata_plugin/host.hpp>

#include "host_system.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <memory>

namespace strata_cpu_plugin {
namespace {

constexpr std::uint64_t alignment = 64;
// Large buffers (weights, KV caches) start on a 2 MiB boundary and ask for transparent huge
// pages, which cuts TLB misses when decode streams through them.
constexpr std::uint64_t huge_page = 2ull << 20;

struct FreeMemory {
  void operator()(std::byte* p) const { std::free(p); }
};

std::unique_ptr<std::byte, FreeMemory> allocate_host(std::uint64_t size) {
  const std::uint64_t align = size >= huge_page ? huge_page : alignment;
  const std::uint64_t rounded = (size + align - 1) / align * align;  // aligned_alloc wants a multiple
  std::unique_ptr<std::byte, FreeMemory> memory(static_cast<std::byte*>(std::aligned_alloc(align, rounded)));
  if (memory && align == huge_page) madvise(memory.get(), rounded, MADV_HUGEPAGE);  // a hint; failure is harmless
  return memory;
}

}  // namespace

strata_host_plugin::Memory CpuDevice::current_memory() {
  const HostMemory memory = host_memory();
  return {memory.available.value_or(STRATA_MEMORY_UNKNOWN), memory.total.value_or(STRATA_MEMORY_UNKNOWN)};
}

std::byte* CpuDevice::allocate(std::uint64_t size) {
  // Refused before touching anything: with overcommit, malloc could "succeed" and the
  // process die later when the pages are used.
  const auto total = host_memory().total;
  if ((total && size > *total) || size > UINT64_MAX - huge_page)
    strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "cpu: {} bytes requested, the machine has {} bytes of memory",
                        size, total.value_or(0));
  auto memory = allocate_host(size);
  if (!memory) strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "cpu: could not allocate {} bytes", size);
  return memory.release();
}

}  // namespace strata_cpu_plugin
