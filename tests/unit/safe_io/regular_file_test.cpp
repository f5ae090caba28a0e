// read_regular_file: a named pipe, a device or an oversized file is refused at once, never read.
#include <strata_safe_io/regular_file.hpp>

#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

namespace strata::safe_io {
namespace {

namespace fs = std::filesystem;

TEST(RegularFile, ReadsARegularFileAndOneLinkedTo) {
  const strata_test::TempDir dir;
  std::ofstream(dir.path() / "blob", std::ios::binary) << "{\"a\": 1}";
  fs::create_symlink(dir.path() / "blob", dir.path() / "config.json");  // as Hugging Face caches do
  std::string why;
  EXPECT_EQ(read_regular_file(dir.path() / "config.json", 100, why), "{\"a\": 1}") << why;
  EXPECT_EQ(read_regular_file(dir.path() / "blob", 8, why), "{\"a\": 1}") << why;
}

TEST(RegularFile, RefusesPipesDevicesAndFolders) {
  const strata_test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir.path() / "zero");
  std::string why;
  EXPECT_FALSE(read_regular_file(dir.path() / "fifo", 100, why));  // returns at once: never blocks
  EXPECT_EQ(why, "is a named pipe, not a regular file");
  EXPECT_FALSE(read_regular_file(dir.path() / "zero", 100, why));
  EXPECT_EQ(why, "is a character device, not a regular file");
  EXPECT_FALSE(read_regular_file(dir.path(), 100, why));
  EXPECT_EQ(why, "is a folder, not a regular file");
  EXPECT_FALSE(read_regular_file(dir.path() / "absent", 100, why));
  EXPECT_EQ(why, "cannot be opened: No such file or directory");
}

TEST(RegularFile, RefusesAFileOverTheCapBeforeReadingIt) {
  const strata_test::TempDir dir;
  {
    std::ofstream file(dir.path() / "big", std::ios::binary);
    file.seekp(200 << 20);  // 200 MiB, sparse
    file << 'x';
  }
  std::string why;
  EXPECT_FALSE(read_regular_file(dir.path() / "big", 4 << 20, why));
  EXPECT_EQ(why, "is 200 MiB (209715201 bytes), more than the 4 MiB such a file may hold");
}

TEST(RegularFile, RefusesAFileWhoseSizeSaysNothing) {
  // /proc files claim 0 bytes and then give more: refused rather than read without a bound.
  std::string why;
  EXPECT_FALSE(read_regular_file("/proc/self/status", 1 << 20, why));
  EXPECT_EQ(why, "changed size while it was read");
}

TEST(RegularFile, SizesReadForPeople) {
  EXPECT_EQ(size_text(512), "512 bytes");
  EXPECT_EQ(size_text(4 << 20), "4 MiB");
  EXPECT_EQ(size_text(1536), "1.5 KiB");
  EXPECT_EQ(size_text(std::uint64_t{3} << 30), "3 GiB");
}

}  // namespace
}  // namespace strata::safe_io
