// DeviceMap in Hugging Face's JSON form (what transformers shows as hf_device_map).
#include "planning/name_lists.hpp"

#include <strata/device_map.hpp>
#include <strata/error.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace strata {
namespace {

[[noreturn]] void bad_map(const std::string& why) {
  throw Error(StatusCode::invalid_argument, fmt::format("device map JSON: {}", why));
}

std::string gpu_by_ordinal(std::uint64_t ordinal, const std::string& key, const std::vector<std::string>& gpu_names) {
  if (ordinal >= gpu_names.size())
    bad_map(fmt::format("key '{}' names GPU {}, but {}", safe_io::printable(key), ordinal,
                        gpu_names.empty() ? std::string("there are no GPUs to number")
                                          : fmt::format("the GPUs are {}", fmt::join(gpu_names, ", "))));
  return gpu_names[ordinal];
}

// "3" -> 3; nullopt for anything but plain decimal digits.
std::optional<std::uint64_t> ordinal_of(std::string_view text) {
  std::uint64_t ordinal = 0;
  const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), ordinal);
  if (text.empty() || error != std::errc() || stop != text.data() + text.size()) return std::nullopt;
  return ordinal;
}

}  // namespace

DeviceMap DeviceMap::from_json(std::string_view json, const std::vector<std::string>& gpu_names) {
  // nlohmann keeps the last of two equal keys silently; the strict parser refuses a key given
  // twice (even "") anywhere in the map, in one pass.
  std::string why;
  const std::optional<nlohmann::json> parsed = safe_io::parse_bounded_json(json, why);
  if (!parsed) bad_map(why);
  const nlohmann::json& document = *parsed;
  if (!document.is_object())
    bad_map(fmt::format("expected an object of module name -> device, got {}", document.type_name()));

  DeviceMap map;
  for (const auto& [key, value] : document.items()) {
    // Module and device names are plain text: control characters are a mistake or an attack on
    // the terminal that shows the next message.
    if (!safe_io::is_printable(key))
      bad_map(fmt::format("key '{}' holds characters no module name has", safe_io::printable(key)));
    if (value.is_string() && !safe_io::is_printable(value.get_ref<const std::string&>()))
      bad_map(fmt::format("key '{}': '{}' holds characters no device name has", safe_io::printable(key),
                          safe_io::printable(value.get_ref<const std::string&>())));
    std::string target;
    if (value.is_number_unsigned()) {
      target = gpu_by_ordinal(value.get<std::uint64_t>(), key, gpu_names);
    } else if (value.is_number_integer()) {
      bad_map(fmt::format("key '{}' names GPU {}: GPU ordinals start at 0", safe_io::printable(key),
                          value.get<std::int64_t>()));
    } else if (value.is_string()) {
      target = value.get<std::string>();
      if (target.empty()) bad_map(fmt::format("key '{}' has an empty device name", safe_io::printable(key)));
      // Ordinals written as strings ("0"), as Hugging Face users often do, and "cuda:N".
      if (const auto ordinal = ordinal_of(target)) {
        target = gpu_by_ordinal(*ordinal, key, gpu_names);
      } else if (target.starts_with("cuda:")) {
        const auto cuda = ordinal_of(std::string_view(target).substr(5));
        if (!cuda)
          bad_map(
              fmt::format("key '{}': '{}' is not a GPU ordinal", safe_io::printable(key), safe_io::printable(target)));
        target = gpu_by_ordinal(*cuda, key, gpu_names);
      }
    } else {
      bad_map(fmt::format("key '{}' must map to a device name or a GPU ordinal, not {}", safe_io::printable(key),
                          value.type_name()));
    }
    map.entries_.emplace(key, std::move(target));
  }
  return map;
}

std::string DeviceMap::to_json() const {
  std::vector<const std::pair<const std::string, std::string>*> ordered;
  for (const auto& entry : entries_) ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto* a, const auto* b) { return detail::natural_less(a->first, b->first); });
  nlohmann::ordered_json document = nlohmann::ordered_json::object();
  for (const auto* entry : ordered) document[entry->first] = entry->second;
  return document.dump(2);
}

}  // namespace strata
