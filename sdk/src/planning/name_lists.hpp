// Module names for people: natural order and short summaries of long lists in messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::detail {

// "model.layers.2" < "model.layers.10": digit runs compare as numbers.
bool natural_less(std::string_view a, std::string_view b);

// "model.embed_tokens, model.layers.0..31, model.norm, lm_head": runs of "<prefix>.<n>" with
// consecutive n are folded, in the order given.
std::string summarize_names(const std::vector<std::string>& names);

// Every prefix of `name` that ends at a '.' boundary, shortest first: "", "a", "a.b", "a.b.c".
std::vector<std::string_view> boundary_prefixes(std::string_view name);

}  // namespace strata::detail
