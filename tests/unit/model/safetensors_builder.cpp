#include "safetensors_builder.hpp"

#include <strata_plugin/dtype.hpp>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

namespace strata::test {

std::vector<std::byte> make_raw_safetensors(const std::string& header, std::size_t data_bytes,
                                            std::optional<std::uint64_t> header_length) {
  const std::uint64_t length = header_length.value_or(header.size());
  std::vector<std::byte> file(8 + header.size() + data_bytes);
  for (int i = 0; i < 8; ++i) file[static_cast<std::size_t>(i)] = static_cast<std::byte>((length >> (8 * i)) & 0xff);
  std::memcpy(file.data() + 8, header.data(), header.size());
  return file;
}

std::vector<std::byte> make_safetensors(const std::vector<TestTensor>& tensors, const std::string& metadata_json) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata_json.empty()) header["__metadata__"] = nlohmann::ordered_json::parse(metadata_json);
  std::size_t offset = 0;
  for (const TestTensor& tensor : tensors) {
    header[tensor.name] = {
        {"dtype", tensor.dtype}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + tensor.data.size()}}};
    offset += tensor.data.size();
  }
  std::string text = header.dump();
  text.resize((8 + text.size() + 7) / 8 * 8 - 8, ' ');
  std::vector<std::byte> file = make_raw_safetensors(text, offset);
  std::size_t at = 8 + text.size();
  for (const TestTensor& tensor : tensors) {
    std::memcpy(file.data() + at, tensor.data.data(), tensor.data.size());
    at += tensor.data.size();
  }
  return file;
}

TestTensor ramp_tensor(std::string name, std::string dtype, std::vector<std::int64_t> shape, float scale) {
  std::int64_t elements = 1;
  for (std::int64_t dim : shape) elements *= dim;
  const std::size_t element_size = dtype == "F32" ? 4 : 2;
  std::vector<std::byte> data(static_cast<std::size_t>(elements) * element_size);
  for (std::int64_t i = 0; i < elements; ++i) {
    const float value = scale * static_cast<float>((i * 7919) % 23 - 11);
    std::byte* out = data.data() + static_cast<std::size_t>(i) * element_size;
    if (dtype == "F32") {
      std::memcpy(out, &value, 4);
    } else {
      const std::uint16_t bits = dtype == "F16" ? strata_plugin::f32_to_f16(value) : strata_plugin::f32_to_bf16(value);
      std::memcpy(out, &bits, 2);
    }
  }
  return {std::move(name), std::move(dtype), std::move(shape), std::move(data)};
}

std::vector<TestTensor> tensors_for(const ModelGraph& graph) {
  std::vector<TestTensor> tensors;
  std::vector<std::string> seen;
  for (const Unit& unit : graph.units) {
    for (const ParameterInfo& parameter : unit.parameters) {
      if (std::find(seen.begin(), seen.end(), parameter.name) != seen.end()) continue;
      seen.push_back(parameter.name);
      std::vector<std::int64_t> shape(parameter.shape.data(), parameter.shape.data() + parameter.shape.rank());
      const char* dtype = parameter.dtype == DType::f32 ? "F32" : parameter.dtype == DType::f16 ? "F16" : "BF16";
      tensors.push_back(ramp_tensor(parameter.name, dtype, shape));
    }
  }
  return tensors;
}

void write_file(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream stream(path, std::ios::binary);
  stream.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!stream) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary);
  stream << text;
  if (!stream) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() {
  std::random_device entropy;
  path_ = std::filesystem::temp_directory_path() /
          ("strata-model-test-" + std::to_string(entropy()) + "-" + std::to_string(entropy()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace strata::test
