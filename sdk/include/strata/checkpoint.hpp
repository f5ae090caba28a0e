// Hugging Face checkpoints as they are on disk: config.json plus one safetensors file or shards
// listed in model.safetensors.index.json. Files are memory-mapped and validated strictly; the
// weights are never copied into RAM as a whole.
#pragma once

#include <strata/export.hpp>

#include <strata/model_graph.hpp>
#include <strata/types.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// One tensor as a safetensors header describes it.
struct STRATA_API SafetensorsTensor {
  std::string name;
  std::string dtype_name;           // as the file spells it: "BF16", "F32", "I64", ...
  std::optional<DType> dtype;       // Strata's dtype, when Strata has one (F32, F16, BF16, I32)
  std::vector<std::int64_t> shape;  // rank 0 is a scalar
  std::uint64_t begin = 0;          // byte offsets into the data section, end exclusive
  std::uint64_t end = 0;

  std::uint64_t bytes() const { return end - begin; }
};

struct STRATA_API SafetensorsHeader {
  std::uint64_t data_offset = 0;                // 8 + header length: where the data section starts
  std::uint64_t data_bytes = 0;                 // size of the data section
  std::vector<SafetensorsTensor> tensors;       // sorted by name
  std::map<std::string, std::string> metadata;  // "__metadata__"

  const SafetensorsTensor* find(std::string_view name) const;
};

// safetensors' own limit on the JSON header.
inline constexpr std::uint64_t safetensors_max_header_bytes = 100'000'000;

// Parses and validates the header of a safetensors file whose whole content is `file`: the
// header length lies within the file and under the limit, the JSON is well formed, every dtype
// is one safetensors defines, dtype x shape = byte length, every offset lies inside the data
// section, no two tensors overlap, no name appears twice. Throws Error(invalid_argument) whose
// message names `file_name` and, when one is at fault, the tensor.
STRATA_API SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file, std::string_view file_name);

// One memory-mapped, validated safetensors file. Move-only; unmaps when destroyed.
class STRATA_API SafetensorsFile {
 public:
  // Opens `path` only when it is a regular file (or a symlink to one: a named pipe or a device is
  // refused without blocking) and reads its header with pread. Throws Error(invalid_argument) for
  // a malformed file or one that is not regular, Error(unavailable) when it cannot be opened or
  // mapped; both name the path.
  static SafetensorsFile open(const std::filesystem::path& path);

  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const std::filesystem::path& path() const;
  const SafetensorsHeader& header() const;
  // The whole mapped file (page-aligned start), and one tensor's bytes inside it. Should the file
  // be truncated while mapped, the pages it lost read as zeros (never SIGBUS) and
  // check_unchanged() reports it: call it after reading through the mapping.
  std::span<const std::byte> mapping() const;
  std::span<const std::byte> data(const SafetensorsTensor& tensor) const;

  // Hands the bytes of `tensor` to `sink` in pieces of at most 8 MiB (whole elements), read with
  // pread rather than through the mapping. Throws Error(unavailable) naming the file when it has
  // changed since it was opened or ends before the tensor does.
  void read(const SafetensorsTensor& tensor, const std::function<void(std::span<const std::byte>)>& sink) const;

  // Throws Error(unavailable) naming the file when it is no longer what was opened and mapped:
  // another size or modification time, or pages of the mapping lost to a truncation.
  void check_unchanged() const;

 private:
  struct State;
  explicit SafetensorsFile(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// model.safetensors.index.json lists every tensor once, about 100 bytes each: 64 MiB holds the
// index of half a million tensors.
inline constexpr std::uint64_t safetensors_index_max_bytes = std::uint64_t{64} << 20;

struct STRATA_API CheckpointOptions {
  // Tensors the model config.json describes does not use (layers past num_hidden_layers, a bias
  // the config does not ask for) fail the open, naming them: the weights and the config disagree.
  // True leaves them unread instead, with a warning in the log that names them.
  bool allow_unused_tensors = false;
};

// A Hugging Face checkpoint folder, opened. Cheap to copy (the files are shared).
class STRATA_API Checkpoint {
 public:
  // Reads config.json (read_model_config), then model.safetensors.index.json (a regular file of
  // at most safetensors_index_max_bytes, naming shards as plain file names beside it) and its
  // shards, or model.safetensors. Checks that every parameter of the model's graph is present
  // with the shape the config implies, and that every tensor of the files is one of them (but
  // rotary inverse frequencies, which some exports save) or listed in the index for its shard.
  // Throws Error naming the file (and tensor) at fault.
  static Checkpoint open(const std::filesystem::path& directory, const CheckpointOptions& options = {});

  struct Entry {
    const SafetensorsFile* file = nullptr;
    const SafetensorsTensor* tensor = nullptr;
  };

  const std::filesystem::path& directory() const;
  const ModelConfig& config() const;
  // The model's units with each parameter's dtype as stored in the files.
  const ModelGraph& graph() const;
  const std::vector<SafetensorsFile>& files() const;
  std::optional<Entry> find(std::string_view tensor_name) const;
  // Throws Error(invalid_argument) naming the tensor and the checkpoint when it is absent.
  Entry at(std::string_view tensor_name) const;

  struct State;
  const std::shared_ptr<const State>& state() const { return state_; }

 private:
  explicit Checkpoint(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace strata
