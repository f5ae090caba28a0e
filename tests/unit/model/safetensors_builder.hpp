// Writes safetensors files for tests: well-formed ones from tensors, or any header text at all.
#pragma once

#include <strata/model_graph.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace strata::test {

struct TestTensor {
  std::string name;
  std::string dtype;  // safetensors spelling: "F32", "BF16", ...
  std::vector<std::int64_t> shape;
  std::vector<std::byte> data;
};

// A valid file: tensors laid out one after another in the order given, the header padded with
// spaces to a multiple of 8 bytes as the reference writer does.
std::vector<std::byte> make_safetensors(const std::vector<TestTensor>& tensors, const std::string& metadata_json = "");

// Any header text followed by `data_bytes` zero bytes; the length field says `header_length`
// when given, else the text's true length.
std::vector<std::byte> make_raw_safetensors(const std::string& header, std::size_t data_bytes,
                                            std::optional<std::uint64_t> header_length = std::nullopt);

// A tensor of `shape` filled with a ramp of values, in `dtype` ("F32", "F16" or "BF16").
TestTensor ramp_tensor(std::string name, std::string dtype, std::vector<std::int64_t> shape, float scale = 0.01f);

// Every parameter of `graph` as a ramp tensor in its dtype.
std::vector<TestTensor> tensors_for(const ModelGraph& graph);

void write_file(const std::filesystem::path& path, const std::vector<std::byte>& bytes);
void write_text(const std::filesystem::path& path, const std::string& text);

// A fresh, empty folder under the system's temporary folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace strata::test
