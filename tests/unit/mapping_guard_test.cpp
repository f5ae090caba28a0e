// MappingGuard: a read past the end of a file truncated under its mapping finds zeros and is
// counted, in any thread; a fault in a mapping nobody guards goes where it went before the guard
// (another handler, or the end of the process).
#include "model/mapping_guard.hpp"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <thread>

namespace strata::detail {
namespace {

constexpr std::size_t file_bytes = 1 << 20;

// A 1 MiB in-memory file of 0x5a bytes, mapped read-only as a checkpoint shard is.
class MappedFile {
 public:
  MappedFile() : fd_(::memfd_create("strata-mapping-guard-test", MFD_CLOEXEC)) {
    const std::string bytes(file_bytes, '\x5a');
    if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) ADD_FAILURE() << "write";
    base_ = static_cast<const volatile unsigned char*>(::mmap(nullptr, file_bytes, PROT_READ, MAP_PRIVATE, fd_, 0));
  }
  ~MappedFile() {
    ::munmap(const_cast<unsigned char*>(base_), file_bytes);
    ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const volatile unsigned char* base() const { return base_; }
  const void* address() const { return const_cast<const unsigned char*>(base_); }
  void truncate(std::size_t bytes) const { ASSERT_EQ(::ftruncate(fd_, static_cast<off_t>(bytes)), 0); }

 private:
  int fd_;
  const volatile unsigned char* base_ = nullptr;
};

TEST(MappingGuard, PagesLostToATruncationReadAsZerosAndAreCounted) {
  const MappedFile file;
  const MappingGuard guard(file.address(), file_bytes);
  EXPECT_EQ(file.base()[file_bytes - 1], 0x5a);
  file.truncate(4096);
  EXPECT_EQ(file.base()[100], 0x5a);  // still in the file
  EXPECT_EQ(file.base()[file_bytes - 1], 0);
  // From another thread too, as the CPU backend's workers read "disk" weights.
  int seen = -1;
  std::thread([&] { seen = file.base()[file_bytes / 2]; }).join();
  EXPECT_EQ(seen, 0);
  EXPECT_EQ(guard.faults(), 2u);
}

TEST(MappingGuard, AGuardThatEndedNoLongerCatchesFaults) {
  const MappedFile file;
  { const MappingGuard guard(file.address(), file_bytes); }
  file.truncate(0);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's own SIGBUS handler, installed before main, reports the fault and aborts.
  EXPECT_DEATH((void)file.base()[file_bytes - 1], "AddressSanitizer: BUS");
#elif defined(__SANITIZE_THREAD__)
  // So does ThreadSanitizer's.
  EXPECT_DEATH((void)file.base()[file_bytes - 1], "ThreadSanitizer: BUS");
#else
  EXPECT_EXIT((void)file.base()[file_bytes - 1], testing::KilledBySignal(SIGBUS), "");
#endif
}

TEST(MappingGuard, FaultsElsewhereReachTheHandlerThatWasThereBefore) {
  // A fresh process, so that the handler below is installed before the guard's.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        struct sigaction action {};
        action.sa_handler = [](int) { ::_exit(42); };
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGBUS, &action, nullptr);
        const MappedFile guarded;
        const MappingGuard guard(guarded.address(), file_bytes);
        const MappedFile other;
        other.truncate(0);
        (void)other.base()[0];
      },
      testing::ExitedWithCode(42), "");
}

}  // namespace
}  // namespace strata::detail
