// The program cache's files, without a device: what was stored is loaded under its key only; a
// damaged, truncated or foreign file, a planted link, or a folder others may write is never
// handed to the driver.
#include "program_cache.hpp"

#include <strata_safe_io/cache_root.hpp>
#include <strata_test/scoped_env.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <iterator>

namespace strata_opencl {
namespace {

namespace fs = std::filesystem;

const Binary sample_binary{0x7f, 'E', 'L', 'F', 1, 2, 3, 4};

class ProgramCacheFile : public testing::Test {
 protected:
  ProgramCacheFile() : root_("STRATA_CACHE_DIR", dir_.path().string()) {}

  PrivateDir folder() {
    std::optional<PrivateDir> opened = open_program_cache();
    EXPECT_TRUE(opened);
    return std::move(*opened);
  }
  fs::path entry(const std::string& key) const { return dir_.path() / "opencl" / cache_file_name(key); }

  strata_test::TempDir dir_;
  strata_test::ScopedEnv root_;
};

std::string contents(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TEST_F(ProgramCacheFile, StoredBinaryLoadsUnderItsKeyOnly) {
  store_cached_binary(folder(), "key a", sample_binary);
  EXPECT_EQ(load_cached_binary(folder(), "key a"), sample_binary);
  EXPECT_FALSE(load_cached_binary(folder(), "key b"));
}

TEST_F(ProgramCacheFile, DamagedOrTruncatedFilesAreIgnored) {
  store_cached_binary(folder(), "key", sample_binary);
  const std::string good = contents(entry("key"));
  std::string flipped = good;
  flipped[flipped.size() - 10] = static_cast<char>(flipped[flipped.size() - 10] ^ 1);  // inside the binary
  for (const std::string& bad : {flipped, good.substr(0, good.size() / 2), std::string("not a program")}) {
    std::ofstream(entry("key"), std::ios::binary | std::ios::trunc) << bad;
    EXPECT_FALSE(load_cached_binary(folder(), "key"));
  }
}

TEST_F(ProgramCacheFile, APlantedLinkIsNotFollowed) {
  store_cached_binary(folder(), "key", sample_binary);
  const fs::path elsewhere = dir_.path() / "elsewhere.clbin";
  fs::rename(entry("key"), elsewhere);
  fs::create_symlink(elsewhere, entry("key"));
  EXPECT_FALSE(load_cached_binary(folder(), "key"));
}

TEST_F(ProgramCacheFile, NothingIsUsedFromAFolderOthersMayWrite) {
  store_cached_binary(folder(), "key", sample_binary);
  ASSERT_EQ(::chmod((dir_.path() / "opencl").c_str(), 0777), 0);
  EXPECT_FALSE(open_program_cache());
  ASSERT_EQ(::chmod((dir_.path() / "opencl").c_str(), 0700), 0);
  ASSERT_EQ(::chmod(entry("key").c_str(), 0666), 0);
  EXPECT_FALSE(load_cached_binary(folder(), "key"));
}

}  // namespace
}  // namespace strata_opencl
