// strata_safe_io: the cache root from the environment, folders used only when private, files read
// without following links or blocking, and written without truncating what was there.
#include <strata_safe_io/cache_root.hpp>
#include <strata_safe_io/environment.hpp>
#include <strata_safe_io/private_file.hpp>

#include <strata_test/scoped_env.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace strata::safe_io {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

PrivateDir open_dir(const fs::path& path) {
  std::string why;
  std::optional<PrivateDir> dir = open_private_dir(path, why);
  EXPECT_TRUE(dir) << why;
  return std::move(*dir);
}

TEST(SafeIoEnvironment, AnEmptyVariableCountsAsUnset) {
  const strata_test::ScopedEnv variable("STRATA_SAFE_IO_TEST", "");
  EXPECT_FALSE(environment_variable("STRATA_SAFE_IO_TEST"));
  ::setenv("STRATA_SAFE_IO_TEST", "value", 1);
  EXPECT_EQ(environment_variable("STRATA_SAFE_IO_TEST"), "value");
}

TEST(SafeIoCacheRoot, ARelativeVariableIsSkippedWithANote) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv strata_dir("STRATA_CACHE_DIR", "relative");
  const strata_test::ScopedEnv xdg("XDG_CACHE_HOME", dir.path().string());
  std::string why;
  EXPECT_EQ(cache_root(why), dir.path() / "strata");
  EXPECT_NE(why.find("STRATA_CACHE_DIR=relative is ignored"), std::string::npos) << why;
}

TEST(SafeIoCacheFolder, IsCreatedPrivateAndRefusedOnceOthersMayWriteIt) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv strata_dir("STRATA_CACHE_DIR", (dir.path() / "root").string());
  std::string why;
  ASSERT_TRUE(open_cache_folder("things", true, why)) << why;
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / "root" / "things").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);

  // The folder, then the root above it: either writable by others is refused.
  ASSERT_EQ(::chmod((dir.path() / "root" / "things").c_str(), 0777), 0);
  EXPECT_FALSE(open_cache_folder("things", false, why));
  EXPECT_NE(why.find("writable by other users"), std::string::npos) << why;
  ASSERT_EQ(::chmod((dir.path() / "root" / "things").c_str(), 0700), 0);
  ASSERT_EQ(::chmod((dir.path() / "root").c_str(), 0777), 0);
  EXPECT_FALSE(open_cache_folder("things", false, why));
  EXPECT_NE(why.find("writable by other users"), std::string::npos) << why;
}

TEST(SafeIoCacheFolder, ASymlinkedFolderIsRefused) {
  const strata_test::TempDir dir;
  fs::create_directory(dir.path() / "elsewhere");
  fs::create_directory(dir.path() / "root");
  fs::create_directory_symlink(dir.path() / "elsewhere", dir.path() / "root" / "things");
  const strata_test::ScopedEnv strata_dir("STRATA_CACHE_DIR", (dir.path() / "root").string());
  std::string why;
  EXPECT_FALSE(open_cache_folder("things", true, why));
  EXPECT_NE(why.find("not a real folder"), std::string::npos) << why;
}

TEST(SafeIoPrivateFile, RoundTripsAndReplacesAtomically) {
  const strata_test::TempDir dir;
  const PrivateDir folder = open_dir(dir.path());
  std::string why;
  ASSERT_TRUE(write_private_file(folder, "entry", "first", why)) << why;
  ASSERT_TRUE(write_private_file(folder, "entry", "second", why)) << why;
  EXPECT_EQ(read_private_file(folder, "entry", 100, why), "second");
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / "entry").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1) << "a temporary was left";
}

TEST(SafeIoPrivateFile, AMissingFileIsNoError) {
  const strata_test::TempDir dir;
  std::string why = "stale";
  EXPECT_FALSE(read_private_file(open_dir(dir.path()), "absent", 100, why));
  EXPECT_TRUE(why.empty()) << why;
}

TEST(SafeIoPrivateFile, RefusesLinksFifosForeignWritableAndOversizedFiles) {
  const strata_test::TempDir dir;
  const PrivateDir folder = open_dir(dir.path());
  write_text(dir.path() / "target", "secret");
  fs::create_symlink(dir.path() / "target", dir.path() / "link");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  write_text(dir.path() / "shared", "data");
  ASSERT_EQ(::chmod((dir.path() / "shared").c_str(), 0666), 0);
  std::string why;
  EXPECT_FALSE(read_private_file(folder, "link", 100, why));
  EXPECT_EQ(why, "is a symlink");
  EXPECT_FALSE(read_private_file(folder, "fifo", 100, why));  // returns at once: never blocks
  EXPECT_EQ(why, "is not a regular file");
  EXPECT_FALSE(read_private_file(folder, "shared", 100, why));
  EXPECT_NE(why.find("writable by other users"), std::string::npos) << why;
  EXPECT_FALSE(read_private_file(folder, "target", 3, why));
  EXPECT_NE(why.find("more than such a file may be"), std::string::npos) << why;
}

TEST(SafeIoPrivateFile, PlantedTemporaryLinksAreNeverFollowed) {
  const strata_test::TempDir dir;
  const PrivateDir folder = open_dir(dir.path());
  write_text(dir.path() / "victim", "precious");
  fs::create_symlink(dir.path() / "victim", dir.path() / temp_file_name("entry", ::getpid(), 0));
  fs::create_symlink(dir.path() / "created", dir.path() / temp_file_name("entry", ::getpid(), 1));
  fs::create_symlink(dir.path() / "victim", dir.path() / "entry");
  std::string why;
  ASSERT_TRUE(write_private_file(folder, "entry", "new", why)) << why;
  EXPECT_EQ(read_text(dir.path() / "victim"), "precious");
  EXPECT_FALSE(fs::exists(dir.path() / "created"));
  EXPECT_FALSE(fs::is_symlink(dir.path() / "entry")) << "the link itself is replaced";
  EXPECT_EQ(read_private_file(folder, "entry", 100, why), "new");
}

}  // namespace
}  // namespace strata::safe_io
