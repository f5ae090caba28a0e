// A checkpoint folder: config.json, then the index and its shards or the single file; every
// parameter of the graph is looked up and checked here, so a Session never meets a surprise.
#include "core/log.hpp"
#include "llama_layout.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace strata {

struct Checkpoint::State {
  std::filesystem::path directory;
  ModelConfig config;
  ModelGraph graph;
  std::vector<SafetensorsFile> files;
  std::map<std::string, Entry, std::less<>> tensors;
};

namespace {

using safe_io::printable;

constexpr std::string_view index_name = "model.safetensors.index.json";
constexpr std::string_view single_name = "model.safetensors";
constexpr std::string_view shard_suffix = ".safetensors";

[[noreturn]] void fail(const std::filesystem::path& where, std::string_view why) {
  throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", where.string(), why));
}

// A shard the index names: a plain file beside it. A '/', '\\' or ".." could reach outside the
// folder, and a NUL would cut the name short where the C library opens it.
bool is_shard_name(std::string_view name) {
  if (!name.ends_with(shard_suffix) || name.size() == shard_suffix.size() || name.find("..") != std::string_view::npos)
    return false;
  for (const char c : name)
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

// weight_map of the index: tensor name -> shard file name (a plain name in this folder).
std::map<std::string, std::string> read_index(const std::filesystem::path& path) {
  std::string why;
  const std::optional<std::string> text = safe_io::read_regular_file(path, safetensors_index_max_bytes, why);
  if (!text)
    throw Error(StatusCode::unavailable,
                fmt::format("{}: {}; the index must be a regular file (or a symlink to one) of at most {}",
                            path.string(), why, safe_io::size_text(safetensors_index_max_bytes)));
  const std::optional<nlohmann::json> root = safe_io::parse_bounded_json(*text, why);
  if (!root) fail(path, fmt::format("not valid JSON: {}", why));
  if (!root->is_object() || !root->contains("weight_map") || !(*root)["weight_map"].is_object())
    fail(path, "must be an object with a \"weight_map\" object");
  std::map<std::string, std::string> weight_map;
  for (const auto& [tensor, file] : (*root)["weight_map"].items()) {
    if (!file.is_string()) fail(path, fmt::format("tensor '{}': the file name must be a string", printable(tensor)));
    const auto name = file.get<std::string>();
    if (!is_shard_name(name))
      fail(path, fmt::format("tensor '{}': '{}' is not a file name in this folder (the index names shards as plain "
                             "NAME{} files beside it: no '/', '\\', '..', NUL or control characters)",
                             printable(tensor), printable(name), shard_suffix));
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
      if (!entry)
        fail(index_path, fmt::format("tensor '{}' is listed in {}, which does not hold it", printable(tensor), file));
      state.tensors[tensor] = {&shard, entry};
    }
    // A tensor a shard holds but the index does not list would be read by nothing, silently.
    for (const SafetensorsFile& shard : state.files)
      for (const SafetensorsTensor& tensor : shard.header().tensors) {
        const auto listed = state.tensors.find(tensor.name);
        if (listed == state.tensors.end() || listed->second.file != &shard)
          fail(shard.path(),
               fmt::format("tensor '{}' is not listed for this file in {}", printable(tensor.name), index_name));
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
                               printable(tensor.dtype_name)));
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

// Every tensor of the files must be a parameter of the graph: one the model does not use means
// config.json and the weights disagree (the files hold 8 layers, the config 4; a bias the config
// does not ask for), and running anyway would compute another model than the checkpoint's.
void check_every_tensor_used(const Checkpoint::State& state, const CheckpointOptions& options) {
  std::set<std::string_view> used;
  for (const Unit& unit : state.graph.units)
    for (const ParameterInfo& parameter : unit.parameters) used.insert(parameter.name);
  std::vector<std::string_view> unused;
  for (const auto& [name, entry] : state.tensors)
    if (!used.contains(name) && !detail::is_rotary_inverse_frequencies(state.config, *entry.tensor))
      unused.push_back(name);
  if (unused.empty()) return;
  constexpr std::size_t shown = 5;
  std::string names;
  for (std::size_t i = 0; i < std::min(unused.size(), shown); ++i)
    names += fmt::format("{}'{}'", i ? ", " : "", printable(unused[i]));
  if (unused.size() > shown) names += fmt::format(" and {} more", unused.size() - shown);
  if (options.allow_unused_tensors) {
    detail::log_warning("{}: {} tensors that the model config.json describes does not use are left unread: {}",
                        state.directory.string(), unused.size(), names);
    return;
  }
  const Checkpoint::Entry& first = state.tensors.find(unused.front())->second;
  fail(first.file->path(),
       fmt::format("tensor '{}' is not used by the model config.json describes ({} unused in all: {}); the weights and "
                   "config.json disagree: use the config.json saved with these weights, or open the checkpoint with "
                   "CheckpointOptions::allow_unused_tensors to leave them unread",
                   printable(unused.front()), unused.size(), names));
}

}  // namespace

Checkpoint Checkpoint::open(const std::filesystem::path& directory, const CheckpointOptions& options) {
  if (!std::filesystem::is_directory(directory))
    throw Error(StatusCode::unavailable, fmt::format("{}: is not a model folder", directory.string()));
  auto state = std::make_shared<State>();
  state->directory = directory;
  state->config = read_model_config(directory / "config.json");
  state->graph = build_model_graph(state->config);
  open_files(*state);
  bind_parameters(*state);
  check_every_tensor_used(*state, options);
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
  fail(state_->directory, fmt::format("tensor '{}' is not in the checkpoint", printable(tensor_name)));
}

}  // namespace strata
