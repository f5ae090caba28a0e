// Buffers are host memory: allocated 64-byte aligned (a cache line, and enough for any vector
// load), or caller memory wrapped without copying.
#include <strata_plugin/host.hpp>

#include "entries.hpp"
#include "host_system.hpp"
#include "objects.hpp"

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

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (out_buffer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: out_buffer is null");
    if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: buffer size 0");
    // Refused before touching anything: with overcommit, malloc could "succeed" and the
    // process die later when the pages are used.
    const auto total = host_memory().total;
    if ((total && size > *total) || size > UINT64_MAX - huge_page)
      strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "cpu: {} bytes requested, the machine has {} bytes of memory",
                          size, total.value_or(0));
    auto memory = allocate_host(size);
    if (!memory) strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "cpu: could not allocate {} bytes", size);
    auto buffer = std::make_unique<strata_buffer>();
    buffer->device = &d;
    buffer->data = memory.release();
    buffer->size = size;
    buffer->owned = true;
    *out_buffer = buffer.release();
  });
}

void buffer_free(strata_buffer* buffer) {
  if (buffer == nullptr || buffer->tag != strata_buffer::live_tag) return;
  if (buffer->owned) std::free(buffer->data);
  buffer->tag = 0;
  delete buffer;
}

void* buffer_host_pointer(strata_buffer* buffer) {
  if (buffer == nullptr || buffer->tag != strata_buffer::live_tag) return nullptr;
  return buffer->data;
}

strata_status* buffer_import_host(strata_device* device, void* host_memory, uint64_t size, strata_buffer** out_buffer) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (out_buffer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: out_buffer is null");
    if (host_memory == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: host memory to import is null");
    if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: buffer size 0");
    // Any alignment is accepted; an op on a tensor that is not aligned to its element size is
    // refused when submitted.
    auto buffer = std::make_unique<strata_buffer>();
    buffer->device = &d;
    buffer->data = static_cast<std::byte*>(host_memory);
    buffer->size = size;
    buffer->owned = false;
    *out_buffer = buffer.release();
  });
}

}  // namespace strata_cpu_plugin
