// The one way Strata reads JSON it did not write itself (config.json, safetensors headers, the
// shard index, device maps, max_memory, simulated devices, calibration entries): strictly, in
// one pass, with bounded nesting and bounded memory.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace strata::safe_io {

struct JsonLimits {
  // Deeper than any file Strata reads (config.json nests three levels), shallow enough that
  // every recursive walk over the result (dump(), copies, comparisons) stays far from the end of
  // the stack.
  std::size_t max_depth = 64;
  // Values held at once, keys counted: each takes at most about 100 bytes besides its text, so
  // the parsed document stays within a few hundred MB whatever the text (two bytes such as "[]"
  // would otherwise cost some 60 bytes of memory: 100 MB of them, 3 GB).
  std::uint64_t max_values = 4'000'000;
};

// The value `text` holds, or nullopt with the reason in `why` when `text`
// - is not exactly one JSON value (with white space around it at most),
// - nests arrays and objects deeper than limits.max_depth, or holds more than limits.max_values,
// - gives a key twice in one object, at any depth (nlohmann would keep the last silently),
// - holds a number too large for a double (nlohmann's own check).
// One pass over the text; each key costs one lookup in its own object, so the whole parse takes
// O(n log n) at worst, never the quadratic time of nlohmann's callback parser. Nothing is thrown
// but std::bad_alloc. `why` is ready for an error message: it says where (a JSON pointer such as
// /weight_map/lm_head.weight) and quotes the file's text only through printable().
std::optional<nlohmann::json> parse_bounded_json(std::string_view text, std::string& why,
                                                 const JsonLimits& limits = {});

// The same rules for a top-level object read member by member: `member` gets each key and value
// as soon as the value ends, and the value is freed after, so that only the keys (to find one
// given twice) and one member are held at once: for documents of many members, such as a
// safetensors header of a million tensors. False with the reason in `why` (a top level that is
// not an object included); exceptions `member` throws pass through.
bool for_each_bounded_json_member(std::string_view text, std::string& why,
                                  const std::function<void(const std::string& key, nlohmann::json& value)>& member,
                                  const JsonLimits& limits = {});

}  // namespace strata::safe_io
