// The on-disk program cache through whole backend starts: a GPU's program is cached in
// $STRATA_CACHE_DIR/opencl after the first start and the second start uses it (the file is not
// rewritten); a CPU device's program, native code, is never cached (PoCL keeps its own).
// program_cache_file_test.cpp checks the files themselves: damage, foreign owners, planted links.
#include "opencl_fixture.hpp"

#include <strata_reference/ops.hpp>
#include <strata_test/scoped_env.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace opencl_test {
namespace {

namespace fs = std::filesystem;

class ScopedCacheDir {
 public:
  ScopedCacheDir() {
    std::string pattern = (fs::temp_directory_path() / "strata-opencl-cache-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    variable_.emplace("STRATA_CACHE_DIR", dir_.string());
  }
  ~ScopedCacheDir() {
    variable_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::vector<fs::path> entries() const {
    std::vector<fs::path> found;
    if (fs::exists(dir_ / "opencl"))
      for (const auto& entry : fs::directory_iterator(dir_ / "opencl")) found.push_back(entry.path());
    return found;
  }

 private:
  fs::path dir_;
  std::optional<strata_test::ScopedEnv> variable_;
};

std::string contents(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

ino_t inode(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(stat(path.c_str(), &info), 0);
  return info.st_ino;
}

// A fresh runtime (a new backend start) that builds or loads its program and runs one op.
void start_and_run_an_op() {
  strata::Runtime runtime(test_runtime_options(false));
  const std::optional<strata::Device> device = first_opencl_device(runtime);
  ASSERT_TRUE(device);
  std::mt19937 rng(41);
  OpCase c;
  c.name = "softmax after a backend start";
  c.inputs = {random_tensor(strata::DType::f32, {3, 10}, rng)};
  c.out_shape = {3, 10};
  c.make = [](const auto& in, const auto& out) { return strata::ops::softmax(in[0], out); };
  expect_close(run_case(*device, c).values(), strata_reference::softmax(c.inputs[0].values(), 10, 1.0).value, 1e-5,
               c.name);
}

bool is_cpu_device(const strata::Device& device) { return device.info().kind == strata::DeviceKind::cpu; }

TEST_F(OpenCLTest, ACpuDeviceKeepsNoProgramBinary) {
  if (!is_cpu_device(*device_)) GTEST_SKIP() << "the first OpenCL device is not a CPU device";
  ScopedCacheDir cache;
  start_and_run_an_op();
  start_and_run_an_op();
  EXPECT_TRUE(cache.entries().empty()) << "a CPU device's program binary (native code) was cached";
}

TEST_F(OpenCLTest, SecondStartUsesTheCachedProgram) {
  if (is_cpu_device(*device_))
    GTEST_SKIP() << "CPU devices keep no program binary (see ACpuDeviceKeepsNoProgramBinary)";
  ScopedCacheDir cache;
  start_and_run_an_op();
  const std::vector<fs::path> first = cache.entries();
  ASSERT_EQ(first.size(), 1u) << "expected one cached program after the first start";
  EXPECT_EQ(first[0].extension(), ".clbin");
  const std::string bytes = contents(first[0]);
  const ino_t node = inode(first[0]);

  start_and_run_an_op();
  const std::vector<fs::path> second = cache.entries();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], first[0]);
  // A rebuild would have renamed a new file into place (a new inode).
  EXPECT_EQ(inode(second[0]), node) << "the cached program was rewritten instead of reused";
  EXPECT_EQ(contents(second[0]), bytes);

  // A damaged file is ignored, rebuilt and replaced.
  std::ofstream(second[0], std::ios::binary | std::ios::trunc) << "this is not a program binary";
  start_and_run_an_op();
  EXPECT_EQ(contents(second[0]), bytes) << "the damaged file was not replaced";
  EXPECT_EQ(cache.entries().size(), 1u) << "a temporary file was left behind";
}

}  // namespace
}  // namespace opencl_test
