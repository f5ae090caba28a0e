// Turns a case description and the views of its device tensors into a strata::Op through the
// public builders in <strata/ops.hpp>, exactly as an integrator would.
#pragma once

#include "op_case.hpp"

#include <strata/ops.hpp>

#include <span>

namespace strata_cts {

strata::Op build_op(const OpSpec& spec, std::span<const strata::TensorView> inputs, const strata::TensorView& output);

}  // namespace strata_cts
