// Checkpoints through the C API: open a folder, describe the model.
#include "c_api/handles.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>
#include <strata/generate.hpp>

#include <limits>
#include <memory>

namespace strata::c_api {
namespace {

constexpr std::size_t model_info_size_1_0 = 96;

// The config's eos ids as token ids; an id no int32 can hold could never be generated anyway.
std::vector<std::int32_t> eos_tokens(const ModelConfig& config) {
  std::vector<std::int32_t> tokens;
  for (std::int64_t id : config.eos_token_ids)
    if (id >= 0 && id <= std::numeric_limits<std::int32_t>::max()) tokens.push_back(static_cast<std::int32_t>(id));
  return tokens;
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

strata_status_code strata_checkpoint_open(const char* directory, strata_checkpoint** out_checkpoint) {
  return guarded("strata_checkpoint_open", [&] {
    strata_checkpoint*& out = required(out_checkpoint, "out_checkpoint");
    strata::Checkpoint checkpoint = strata::Checkpoint::open(required_text(directory, "directory"));
    std::vector<std::int32_t> eos = eos_tokens(checkpoint.config());
    out = std::make_unique<strata_checkpoint>(strata_checkpoint{std::move(checkpoint), std::move(eos)}).release();
  });
}

void strata_checkpoint_destroy(strata_checkpoint* checkpoint) { delete checkpoint; }

strata_status_code strata_checkpoint_model_info(const strata_checkpoint* checkpoint, strata_model_info* inout_info) {
  return guarded("strata_checkpoint_model_info", [&] {
    const strata_checkpoint& handle = required(checkpoint, "checkpoint");
    const strata::ModelConfig& config = handle.checkpoint.config();
    strata_model_info info{};
    info.byte_vocabulary = strata::has_byte_vocabulary(config) ? 1 : 0;
    info.architecture = config.architecture.c_str();
    info.model_type = config.model_type.c_str();
    info.vocab_size = config.vocab_size;
    info.hidden_size = config.hidden_size;
    info.num_hidden_layers = config.num_hidden_layers;
    info.context_limit = config.context_limit();
    info.parameter_bytes = handle.checkpoint.graph().parameter_bytes();
    info.unit_count = handle.checkpoint.graph().units.size();
    info.bos_token_id = config.bos_token_id.value_or(-1);
    info.eos_token_ids = handle.eos_token_ids.data();
    info.eos_token_id_count = handle.eos_token_ids.size();
    write_info(info, inout_info, model_info_size_1_0, "inout_info");
  });
}

const char* strata_checkpoint_unit_name(const strata_checkpoint* checkpoint, size_t index) {
  if (checkpoint == nullptr || index >= checkpoint->checkpoint.graph().units.size()) return nullptr;
  return checkpoint->checkpoint.graph().units[index].name.c_str();
}

}  // extern "C"
