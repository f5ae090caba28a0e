// Every file of the fuzz targets' corpora (real and broken seeds, and each input that ever
// crashed a fuzzer) through the parsers in the ordinary build: accepted, or refused with a
// strata::Error, never anything else.
#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace strata {
namespace {

const std::filesystem::path corpus = STRATA_FUZZ_CORPUS_DIR;

std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  const std::vector<char> chars((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

TEST(FuzzCorpus, SafetensorsHeadersAreAcceptedOrRefusedCleanly) {
  int accepted = 0, refused = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus / "safetensors")) {
    SCOPED_TRACE(entry.path().filename().string());
    const std::vector<std::byte> file = read_bytes(entry.path());
    try {
      const SafetensorsHeader header = parse_safetensors_header(file, entry.path().filename().string());
      for (const SafetensorsTensor& tensor : header.tensors) EXPECT_LE(tensor.end, header.data_bytes);
      ++accepted;
      EXPECT_EQ(entry.path().filename().string().rfind("broken_", 0), std::string::npos) << "a broken seed passed";
    } catch (const Error& error) {
      ++refused;
      EXPECT_NE(std::string(error.what()).find(entry.path().filename().string()), std::string::npos);
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(refused, 0);
}

TEST(FuzzCorpus, ConfigsAreAcceptedOrRefusedCleanly) {
  int accepted = 0, refused = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus / "config")) {
    SCOPED_TRACE(entry.path().filename().string());
    const std::vector<std::byte> file = read_bytes(entry.path());
    try {
      const ModelConfig config =
          parse_model_config(std::string_view(reinterpret_cast<const char*>(file.data()), file.size()));
      if (config.num_hidden_layers <= 64) validate_model_graph(build_model_graph(config));
      ++accepted;
      EXPECT_EQ(entry.path().filename().string().rfind("broken_", 0), std::string::npos) << "a broken seed passed";
    } catch (const Error&) {
      ++refused;
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace strata
