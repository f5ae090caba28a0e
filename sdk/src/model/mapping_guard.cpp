// Why a SIGBUS handler and not only checks: a check of the file's size before each use leaves the
// time of the use itself open, and the reads happen in threads the SDK does not own, where no
// sigsetjmp buffer can be waiting. Replacing the lost page lets the faulting read finish (with
// zeros); the check after the step then reports the file, and the step's result is thrown away.
#include "model/mapping_guard.hpp"

#include <strata/error.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <utility>

#include <sys/mman.h>
#include <unistd.h>

namespace strata::detail {

// One guarded range. Ranges are never freed, so the handler may read any of them at any time.
struct GuardedRange {
  std::atomic<std::uintptr_t> begin{0};  // 0: free
  std::atomic<std::uintptr_t> end{0};
  std::atomic<std::uint64_t> faults{0};
};

namespace {

// Ranges in chunks linked by atomic pointers: the handler walks them without a lock; guards take
// and free ranges under a mutex.
struct Chunk {
  std::array<GuardedRange, 256> ranges;
  std::atomic<Chunk*> next{nullptr};
};

std::atomic<Chunk*> first_chunk{nullptr};
std::mutex ranges_mutex;
// page_size is set before the handler is installed, previous_action as it is installed.
struct sigaction previous_action {};
std::uintptr_t page_size = 4096;

// Hands a fault that is not ours to whoever handled SIGBUS before; with no handler, the default
// action (the process ends) as if the guard had never been there.
void chain(int signal, siginfo_t* info, void* context) {
  if ((previous_action.sa_flags & SA_SIGINFO) != 0 && previous_action.sa_sigaction != nullptr) {
    previous_action.sa_sigaction(signal, info, context);
    return;
  }
  if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
    previous_action.sa_handler(signal);
    return;
  }
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal, &default_action, nullptr);
  // Delivered once this handler returns (a faulting read also faults again at once).
  ::raise(signal);
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Chunk* chunk = first_chunk.load(std::memory_order_acquire); chunk != nullptr;
       chunk = chunk->next.load(std::memory_order_acquire)) {
    for (GuardedRange& range : chunk->ranges) {
      const std::uintptr_t begin = range.begin.load(std::memory_order_acquire);
      if (begin == 0 || address < begin || address >= range.end.load(std::memory_order_acquire)) continue;
      // mmap is a plain system call on Linux, safe here although POSIX does not list it.
      void* page = reinterpret_cast<void*>(address & ~(page_size - 1));
      if (::mmap(page, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
        range.faults.fetch_add(1, std::memory_order_relaxed);
        errno = saved_errno;
        return;  // the read runs again and finds zeros
      }
    }
  }
  errno = saved_errno;
  chain(signal, info, context);
}

void install_handler() {
  page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  struct sigaction action {};
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGBUS, &action, &previous_action) != 0)
    throw Error(StatusCode::internal,
                "cannot install the handler that keeps a truncated checkpoint from ending "
                "the process (sigaction SIGBUS failed)");
}

GuardedRange& take_range(std::uintptr_t begin, std::uintptr_t end) {
  const std::lock_guard lock(ranges_mutex);
  Chunk* last = nullptr;
  for (Chunk* chunk = first_chunk.load(std::memory_order_acquire); chunk != nullptr;
       chunk = chunk->next.load(std::memory_order_acquire)) {
    last = chunk;
    for (GuardedRange& range : chunk->ranges) {
      if (range.begin.load(std::memory_order_relaxed) != 0) continue;
      range.faults.store(0, std::memory_order_relaxed);
      range.end.store(end, std::memory_order_release);
      range.begin.store(begin, std::memory_order_release);
      return range;
    }
  }
  auto* chunk = new Chunk;  // never freed: the handler may be reading it
  GuardedRange& range = chunk->ranges.front();
  range.end.store(end, std::memory_order_relaxed);
  range.begin.store(begin, std::memory_order_relaxed);
  (last ? last->next : first_chunk).store(chunk, std::memory_order_release);
  return range;
}

}  // namespace

MappingGuard::MappingGuard(const void* begin, std::size_t size) {
  static std::once_flag installed;
  std::call_once(installed, install_handler);
  const auto start = reinterpret_cast<std::uintptr_t>(begin);
  range_ = &take_range(start, start + size);
}

MappingGuard::~MappingGuard() {
  if (!range_) return;
  const std::lock_guard lock(ranges_mutex);
  range_->begin.store(0, std::memory_order_release);
  range_->end.store(0, std::memory_order_release);
}

MappingGuard::MappingGuard(MappingGuard&& other) noexcept : range_(std::exchange(other.range_, nullptr)) {}

MappingGuard& MappingGuard::operator=(MappingGuard&& other) noexcept {
  if (this != &other) {
    MappingGuard old(std::move(*this));
    range_ = std::exchange(other.range_, nullptr);
  }
  return *this;
}

std::uint64_t MappingGuard::faults() const { return range_ ? range_->faults.load(std::memory_order_relaxed) : 0; }

}  // namespace strata::detail
