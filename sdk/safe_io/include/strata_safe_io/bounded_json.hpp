// The one way Strata reads JSON it did not write itself (config.json, safetensors headers, the
// shard index, device maps, max_memory, simulated devices, calibration entries): strictly, in
// one pass, with bounded nesting.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace strata::safe_io {

// Deeper than any file Strata reads (config.json nests three levels), shallow enough that every
// recursive walk over the result (dump(), copies, comparisons) stays far from the stack's end.
inline constexpr std::size_t default_max_json_depth = 64;

// The value `text` holds, or nullopt with the reason in `why` when `text`
// - is not exactly one JSON value (with white space around it at most),
// - nests arrays and objects more than `max_depth` deep,
// - gives a key twice in one object, at any depth (nlohmann would keep the last silently),
// - holds a number too large for a double (nlohmann's own check).
// One pass over the text; each key costs one lookup in its own object, so the whole parse takes
// O(n log n) at worst, never the quadratic time of nlohmann's callback parser. Nothing is thrown
// but std::bad_alloc. `why` is ready for an error message: it says where (a JSON pointer such as
// /weight_map/lm_head.weight) and quotes the file's text only through printable().
std::optional<nlohmann::json> parse_bounded_json(std::string_view text, std::string& why,
                                                 std::size_t max_depth = default_max_json_depth);

}  // namespace strata::safe_io
