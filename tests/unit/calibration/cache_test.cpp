// The calibration cache on disk: entries round-trip; anything damaged, foreign or for another
// plugin version or driver is ignored; folders others may write are refused; planted symlinks
// are never followed.
#include <strata_safe_io/private_file.hpp>
#include <strata_test/temp_dir.hpp>
#include "calibration/cache_entry.hpp"

#include <strata/calibration.hpp>
#include <strata/error.hpp>
#include <strata_test/scoped_env.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <fstream>
#include <sstream>

namespace strata {
namespace {

namespace fs = std::filesystem;

DeviceInfo sample_device() {
  DeviceInfo info;
  info.name = "opencl:0";
  info.backend = "opencl";
  info.plugin_version = "1.4.0";
  info.description = "Example GPU";
  info.stable_id = "opencl:example:0";
  info.driver = "Example 1.2.3";
  return info;
}

DeviceMeasurements sample_measurements() {
  DeviceMeasurements m;
  m.matvec_bandwidth = {{DType::f32, 20e9}, {DType::f16, 25e9}};
  m.narrow_matvec_bandwidth = {{DType::f32, 18e9}, {DType::f16, 21e9}};
  m.matmul_flops = {{DType::f32, 1.5e11}};
  m.small_matvec_seconds = {{DType::f32, 9e-6}};
  m.tall_matvec_seconds = {{DType::f32, 2.5e-5}};
  m.wide_matvec_seconds = {{DType::f32, 1.1e-4}};
  m.small_matmul_flops = {{DType::f32, 4e10}};
  m.matvec_weight_bytes = 64.0 * (1 << 20);
  m.matmul_op_flops = 2.7e8;
  m.op_kind_seconds = {{"rope", 4.5e-5}, {"attention", 7e-5}};
  m.host_to_device = 8e9;
  m.device_to_host = 7e9;
  m.op_seconds = 4e-6;
  m.round_trip_seconds = 3e-5;
  m.layer_seconds = {{1, 2.5e-4}, {32, 9e-4}, {128, 3e-3}};
  m.measured_at = "2025-06-01T12:00:00Z";
  m.seconds_taken = 1.25;
  return m;
}

std::string read_text(const fs::path& path) {
  std::ifstream stream(path);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream stream(path, std::ios::trunc);
  stream << text;
}

fs::path entry_path(const fs::path& dir, const DeviceInfo& device) {
  return dir / detail::cache_entry_file_name(device);
}

// An entry for sample_device() whose text has `from` replaced by `to`.
void write_edited_entry(const fs::path& dir, const std::string& from, const std::string& to) {
  std::string text = detail::encode_cache_entry(sample_device(), sample_measurements());
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  write_text(entry_path(dir, sample_device()), text);
}

TEST(CalibrationCache, AnEntryReadsBackAsWritten) {
  const strata_test::TempDir dir;
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  const auto read = read_cached_measurements(sample_device(), dir.path());
  ASSERT_TRUE(read);
  const DeviceMeasurements expected = sample_measurements();
  EXPECT_EQ(read->matvec_bandwidth, expected.matvec_bandwidth);
  EXPECT_EQ(read->narrow_matvec_bandwidth, expected.narrow_matvec_bandwidth);
  EXPECT_EQ(read->matmul_flops, expected.matmul_flops);
  EXPECT_EQ(read->small_matvec_seconds, expected.small_matvec_seconds);
  EXPECT_EQ(read->tall_matvec_seconds, expected.tall_matvec_seconds);
  EXPECT_EQ(read->wide_matvec_seconds, expected.wide_matvec_seconds);
  EXPECT_EQ(read->small_matmul_flops, expected.small_matmul_flops);
  EXPECT_EQ(read->matvec_weight_bytes, expected.matvec_weight_bytes);
  EXPECT_EQ(read->matmul_op_flops, expected.matmul_op_flops);
  EXPECT_EQ(read->op_kind_seconds, expected.op_kind_seconds);
  EXPECT_EQ(read->host_to_device, expected.host_to_device);
  EXPECT_EQ(read->device_to_host, expected.device_to_host);
  EXPECT_EQ(read->op_seconds, expected.op_seconds);
  EXPECT_EQ(read->round_trip_seconds, expected.round_trip_seconds);
  EXPECT_EQ(read->layer_seconds, expected.layer_seconds);
  EXPECT_EQ(read->measured_at, expected.measured_at);
  EXPECT_EQ(read->seconds_taken, expected.seconds_taken);
  // Private to the user, and nothing left behind but the entry.
  struct stat info {};
  ASSERT_EQ(::stat(entry_path(dir.path(), sample_device()).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(CalibrationCache, AnAbsentFigureStaysAbsent) {
  const strata_test::TempDir dir;
  DeviceMeasurements partial = sample_measurements();
  partial.op_seconds.reset();
  partial.matmul_flops.clear();
  write_cached_measurements(sample_device(), partial, dir.path());
  const auto read = read_cached_measurements(sample_device(), dir.path());
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->op_seconds);
  EXPECT_TRUE(read->matmul_flops.empty());
  EXPECT_EQ(read->round_trip_seconds, partial.round_trip_seconds);
}

TEST(CalibrationCache, NoEntryMeansNoMeasurements) {
  const strata_test::TempDir dir;
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path() / "missing"));
}

TEST(CalibrationCache, ACorruptOrTruncatedEntryIsIgnored) {
  const strata_test::TempDir dir;
  write_text(entry_path(dir.path(), sample_device()), "{\"format\": \"strata-calibration\", \"vers");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_text(entry_path(dir.path(), sample_device()), "\x01\x02 not json at all");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  const std::string whole = detail::encode_cache_entry(sample_device(), sample_measurements());
  write_text(entry_path(dir.path(), sample_device()), whole.substr(0, whole.size() / 2));
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_text(entry_path(dir.path(), sample_device()), "[1, 2, 3]");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnEntryLackingAFieldIsIgnored) {
  const strata_test::TempDir dir;
  write_edited_entry(dir.path(), "\"seconds_taken\"", "\"seconds_spent\"");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_edited_entry(dir.path(), "\"driver\"", "\"drover\"");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnEntryOfAnotherPluginVersionOrDriverIsIgnored) {
  const strata_test::TempDir dir;
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  DeviceInfo upgraded = sample_device();
  upgraded.plugin_version = "1.5.0";
  EXPECT_FALSE(read_cached_measurements(upgraded, dir.path()));
  DeviceInfo new_driver = sample_device();
  new_driver.driver = "Example 1.2.4";
  EXPECT_FALSE(read_cached_measurements(new_driver, dir.path()));
  // Even planted under the new key's file name, the stored key does not match.
  fs::copy_file(entry_path(dir.path(), sample_device()), entry_path(dir.path(), new_driver));
  EXPECT_FALSE(read_cached_measurements(new_driver, dir.path()));
  EXPECT_TRUE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, NonFiniteOrNonPositiveFiguresAreIgnored) {
  const strata_test::TempDir dir;
  write_edited_entry(dir.path(), "\"op_seconds\": 4e-06", "\"op_seconds\": -4e-06");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_edited_entry(dir.path(), "\"op_seconds\": 4e-06", "\"op_seconds\": NaN");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_edited_entry(dir.path(), "\"op_seconds\": 4e-06", "\"op_seconds\": null");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_edited_entry(dir.path(), "\"f32\": 20000000000.0", "\"f32\": 1e999");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  write_edited_entry(dir.path(), "\"f32\": 20000000000.0", "\"f32\": 0");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnOpCostUnderANameThatIsNoOpIsIgnored) {
  const strata_test::TempDir dir;
  write_edited_entry(dir.path(), "\"rope\"", "\"../rope\"");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnEntryOfAnotherFormatVersionIsIgnored) {
  const strata_test::TempDir dir;
  // An entry of the previous SDK.
  write_edited_entry(dir.path(), fmt::format("\"version\": {}", detail::cache_entry_version),
                     fmt::format("\"version\": {}", detail::cache_entry_version - 1));
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnOversizedEntryIsIgnored) {
  const strata_test::TempDir dir;
  write_edited_entry(dir.path(), "\"2025-06-01T12:00:00Z\"",
                     "\"" + std::string(detail::cache_entry_max_bytes, 'x') + "\"");
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnEntryOthersMayWriteIsIgnored) {
  const strata_test::TempDir dir;
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  ASSERT_EQ(::chmod(entry_path(dir.path(), sample_device()).c_str(), 0622), 0);
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AFifoPlantedAsAnEntryNeitherBlocksNorCounts) {
  const strata_test::TempDir dir;
  ASSERT_EQ(::mkfifo(entry_path(dir.path(), sample_device()).c_str(), 0600), 0);
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AFolderOthersMayWriteIsRefused) {
  const strata_test::TempDir dir;
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  for (mode_t mode : {0770, 0707, 0777}) {
    ASSERT_EQ(::chmod(dir.path().c_str(), mode), 0);
    EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path())) << std::oct << mode;
    EXPECT_THROW(write_cached_measurements(sample_device(), sample_measurements(), dir.path()), Error) << mode;
  }
  // Through the environment as well: no cache at all.
  const strata_test::ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.path().string());
  EXPECT_FALSE(calibration_cache_dir());
  ASSERT_EQ(::chmod(dir.path().c_str(), 0700), 0);
  EXPECT_EQ(calibration_cache_dir(), dir.path() / "calibration");
  ASSERT_EQ(::chmod((dir.path() / "calibration").c_str(), 0733), 0);
  EXPECT_FALSE(calibration_cache_dir());
}

TEST(CalibrationCache, ASymlinkedFolderIsRefused) {
  const strata_test::TempDir dir;
  ASSERT_EQ(::mkdir((dir.path() / "real").c_str(), 0700), 0);
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "link");
  EXPECT_THROW(write_cached_measurements(sample_device(), sample_measurements(), dir.path() / "link"), Error);
  EXPECT_TRUE(fs::is_empty(dir.path() / "real"));
}

TEST(CalibrationCache, ASymlinkPlantedAsTheEntryIsNeitherReadNorWrittenThrough) {
  const strata_test::TempDir dir;
  const fs::path victim = dir.path() / "victim.txt";
  write_text(victim, "precious");
  const fs::path entry = entry_path(dir.path(), sample_device());
  // A valid entry behind the link: still not read through it.
  const strata_test::TempDir elsewhere;
  write_cached_measurements(sample_device(), sample_measurements(), elsewhere.path());
  fs::create_symlink(entry_path(elsewhere.path(), sample_device()), entry);
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  fs::remove(entry);
  fs::create_symlink(victim, entry);
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  EXPECT_EQ(read_text(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(entry));  // the link itself was replaced by the entry
  EXPECT_TRUE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, ASymlinkPlantedAsTheTemporaryFileIsNotFollowed) {
  const strata_test::TempDir dir;
  const fs::path victim = dir.path() / "victim.txt";
  write_text(victim, "precious");
  const std::string entry_name = detail::cache_entry_file_name(sample_device());
  // The writer's first temporary name, and the dangling kind too: O_CREAT would create its target.
  fs::create_symlink(victim, dir.path() / safe_io::temp_file_name(entry_name, ::getpid(), 0));
  fs::create_symlink(dir.path() / "created.txt", dir.path() / safe_io::temp_file_name(entry_name, ::getpid(), 1));
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  EXPECT_EQ(read_text(victim), "precious");
  EXPECT_FALSE(fs::exists(dir.path() / "created.txt"));
  EXPECT_TRUE(read_cached_measurements(sample_device(), dir.path()));
}

TEST(CalibrationCache, AnEntryOfAnotherUserIsIgnored) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user (CI runs the tests as root)";
  const strata_test::TempDir dir;
  write_cached_measurements(sample_device(), sample_measurements(), dir.path());
  ASSERT_EQ(::chown(entry_path(dir.path(), sample_device()).c_str(), 12345, 12345), 0);
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  // A folder of another user is refused as a whole.
  ASSERT_EQ(::chown(entry_path(dir.path(), sample_device()).c_str(), 0, 0), 0);
  ASSERT_EQ(::chown(dir.path().c_str(), 12345, 12345), 0);
  EXPECT_FALSE(read_cached_measurements(sample_device(), dir.path()));
  EXPECT_THROW(write_cached_measurements(sample_device(), sample_measurements(), dir.path()), Error);
}

TEST(CalibrationCacheDir, FollowsStrataCacheDirThenXdgThenHome) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv home("HOME", (dir.path() / "home").string());
  const strata_test::ScopedEnv xdg("XDG_CACHE_HOME", (dir.path() / "xdg").string());
  const strata_test::ScopedEnv strata_dir("STRATA_CACHE_DIR", (dir.path() / "strata").string());
  EXPECT_EQ(calibration_cache_dir(), dir.path() / "strata" / "calibration");
  ::unsetenv("STRATA_CACHE_DIR");
  EXPECT_EQ(calibration_cache_dir(), dir.path() / "xdg" / "strata" / "calibration");
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(calibration_cache_dir(), dir.path() / "home" / ".cache" / "strata" / "calibration");
  // Created private to the user.
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / "home" / ".cache" / "strata" / "calibration").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(CalibrationCacheDir, ARelativePathIsIgnored) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv home("HOME", dir.path().string());
  const strata_test::ScopedEnv xdg("XDG_CACHE_HOME", "relative/cache");
  const strata_test::ScopedEnv strata_dir("STRATA_CACHE_DIR", "also-relative");
  EXPECT_EQ(calibration_cache_dir(), dir.path() / ".cache" / "strata" / "calibration");
}

}  // namespace
}  // namespace strata
