// A checkpoint folder: config.json, then the index and its shards or the single file; every
// parameter of the graph is looked up and checked here, so a Session never meets a surprise.
#include "llama_layout.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace strata {

struct Checkpoint::State {
  std::filesystem::path directory;
  ModelConfig config;
  ModelGraph graph;
  std::vector<SafetensorsFile> files;
  std::map<std::string, Entry, std::less<>> tensors;
};

namespace {

constexpr std::string_view index_name = "model.safetensors.index.json";
constexpr std::string_view single_name = "model.safetensors";

[[noreturn]] void fail(const std::filesystem::path& where, std::string_view why) {
  throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", where.string(), why));
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw Error(StatusCode::unavailable, fmt::format("{}: cannot be opened", path.string()));
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// weight_map of the index: tensor name -> shard file name (a plain name in this folder).
std::map<std::string, std::string> read_index(const std::filesystem::path& path) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::exception& error) {
    fail(path, fmt::format("not valid JSON: {}", error.what()));
  }
  if (!root.is_object() || !root.contains("weight_map") || !root["weight_map"].is_object())
    fail(path, "must be an object with a \"weight_map\" object");
  std::map<std::string, std::string> weight_map;
  for (const auto& [tensor, file] : root["weight_map"].items()) {
    if (!file.is_string()) fail(path, fmt::format("tensor '{}': the file name must be a string", tensor));
    const auto name = file.get<std::string>();
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\\') != std::string::npos)
      fail(path, fmt::format("tensor '{}': '{}' is not a file name in this folder", tensor, name));
    weight_map[tensor] = name;
  }
  if (weight_map.empty()) fail(path, "the weight_map is empty");
  return weight_map;
}

void open_files(Checkpoint::State& state) {
  const std::filesystem::path index_path = state.directory / index_name;
  if (std::filesystem::exists(index_path)) {
    const std::map<std::string, std::string> weight_map = read_index(index_path);
    std::map<std::string, std::size_t> file_numbers;
    for (const auto& [tensor, file] : weight_map)
      if (file_numbers.emplace(file, state.files.size()).second)
        state.files.push_back(SafetensorsFile::open(state.directory / file));
    for (const auto& [tensor, file] : weight_map) {
      const SafetensorsFile& shard = state.files[file_numbers.at(file)];
      const SafetensorsTensor* entry = shard.header().find(tensor);
      if (!entry) fail(index_path, fmt::format("tensor '{}' is listed in {}, which does not hold it", tensor, file));
      state.tensors[tensor] = {&shard, entry};
    }
    return;
  }
  const std::filesystem::path single_path = state.directory / single_name;
  if (!std::filesystem::exists(single_path))
    throw Error(StatusCode::unavailable,
                fmt::format("{}: holds neither {} nor {}", state.directory.string(), single_name, index_name));
  state.files.push_back(SafetensorsFile::open(single_path));
  for (const SafetensorsTensor& tensor : state.files.front().header().tensors)
    state.tensors[tensor.name] = {&state.files.front(), &tensor};
}

// Each parameter takes the dtype it is stored in; its shape must be the one the config implies.
void bind_parameters(Checkpoint::State& state) {
  for (Unit& unit : state.graph.units) {
    for (ParameterInfo& parameter : unit.parameters) {
      auto it = state.tensors.find(parameter.name);
      if (it == state.tensors.end())
        fail(state.directory,
             fmt::format("tensor '{}' of unit '{}' is missing from the checkpoint", parameter.name, unit.name));
      const SafetensorsTensor& tensor = *it->second.tensor;
      const std::string& file = it->second.file->path().string();
      if (!tensor.dtype || *tensor.dtype == DType::i32)
        fail(file, fmt::format("tensor '{}': dtype {} is not a weight dtype (F32, F16, BF16)", tensor.name,
                               tensor.dtype_name));
      bool same_shape = tensor.shape.size() == parameter.shape.rank();
      for (std::size_t i = 0; same_shape && i < tensor.shape.size(); ++i)
        same_shape = tensor.shape[i] == parameter.shape[i];
      if (!same_shape)
        fail(file, fmt::format("tensor '{}': shape [{}] where config.json implies {}", tensor.name,
                               fmt::join(tensor.shape, ", "), parameter.shape.to_string()));
      parameter.dtype = *tensor.dtype;
    }
    detail::compute_unit_costs(state.graph.config, unit);
  }
}

}  // namespace

Checkpoint Checkpoint::open(const std::filesystem::path& directory) {
  if (!std::filesystem::is_directory(directory))
    throw Error(StatusCode::unavailable, fmt::format("{}: is not a model folder", directory.string()));
  auto state = std::make_shared<State>();
  state->directory = directory;
  state->config = read_model_config(directory / "config.json");
  state->graph = build_model_graph(state->config);
  open_files(*state);
  bind_parameters(*state);
  return Checkpoint(std::move(state));
}

Checkpoint::Checkpoint(std::shared_ptr<const State> state) : state_(std::move(state)) {}

const std::filesystem::path& Checkpoint::directory() const { return state_->directory; }
const ModelConfig& Checkpoint::config() const { return state_->config; }
const ModelGraph& Checkpoint::graph() const { return state_->graph; }
const std::vector<SafetensorsFile>& Checkpoint::files() const { return state_->files; }

std::optional<Checkpoint::Entry> Checkpoint::find(std::string_view tensor_name) const {
  auto it = state_->tensors.find(tensor_name);
  if (it == state_->tensors.end()) return std::nullopt;
  return it->second;
}

Checkpoint::Entry Checkpoint::at(std::string_view tensor_name) const {
  if (auto entry = find(tensor_name)) return *entry;
  fail(state_->directory, fmt::format("tensor '{}' is not in the checkpoint", tensor_name));
}

}  // namespace strata
