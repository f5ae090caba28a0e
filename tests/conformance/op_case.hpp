// One test case of the op set: which op, on which dtypes and shapes, with which parameters
// and which kind of input data. Cases are cheap descriptions; data is made when one runs.
#pragma once

#include "host_tensor.hpp"

#include <strata/backend.h>

#include <cstdint>
#include <string>
#include <vector>

namespace strata_cts {

enum class DataKind {
  normal,  // finite values of moderate size
  nan,     // NaN injected into input 0: must reach exactly the outputs that depend on it
  inf,     // +Inf and -Inf injected into input 0 (only for ops where IEEE fixes the result)
  large,   // magnitudes that overflow exp() unless the max is subtracted first
};

struct OpSpec {
  strata_op_kind kind = STRATA_OP_COPY;
  std::vector<TensorSpec> inputs;
  TensorSpec output;
  bool in_place = false;     // the output is written exactly over inputs[0]
  bool odd_offsets = false;  // tensors start at offsets aligned only to their element size
  DataKind data = DataKind::normal;

  // The parameters of backend.h's strata_op, where the op reads them.
  float eps = 1e-5f;
  float theta = 10000.0f;
  int rotary_dim = 0;
  float scale = 1.0f;
  bool gelu_tanh = false;
  std::int64_t n_past = 0;
  bool causal = true;
  std::int64_t max_position = 0;  // rope: positions are drawn from [0, max_position)
  // ABI 1.2
  float weight_offset = 0;           // rms_norm
  bool inverse_frequencies = false;  // rope: inputs[2] holds them (made from theta, then scaled)
  std::int64_t window = 0;           // attention
  float softcap = 0;                 // attention's score cap, and SOFTCAP's cap (SCALE's factor is `scale`)
};

// The minor ABI version a plugin must speak to be given the op: the host keeps 1.2 features
// from older plugins, so their cases are skipped there.
inline std::uint32_t abi_minor_needed(const OpSpec& spec) {
  const bool uses_1_2 = spec.kind == STRATA_OP_SCALE || spec.kind == STRATA_OP_SOFTCAP || spec.inverse_frequencies ||
                        spec.weight_offset != 0 ||
                        (spec.kind == STRATA_OP_ATTENTION && (spec.window != 0 || spec.softcap != 0));
  return uses_1_2 ? 2 : 0;
}

struct OpCase {
  std::string name;   // "matmul/f16/7x33x65/bias": what --filter and --list see
  std::string op;     // "matmul"
  std::string dtype;  // the dtype this case varies: weight, table, kv cache, or "f32->f16" for copy
  OpSpec spec;
};

const char* op_label(strata_op_kind kind);

}  // namespace strata_cts
