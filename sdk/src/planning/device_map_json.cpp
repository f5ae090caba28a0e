// DeviceMap in Hugging Face's JSON form (what transformers shows as hf_device_map).
#include "planning/name_lists.hpp"

#include <strata/device_map.hpp>
#include <strata/error.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <string_view>

namespace strata {
namespace {

[[noreturn]] void bad_map(const std::string& why) {
  throw Error(StatusCode::invalid_argument, fmt::format("device map JSON: {}", why));
}

std::string gpu_by_ordinal(std::uint64_t ordinal, const std::string& key, const std::vector<std::string>& gpu_names) {
  if (ordinal >= gpu_names.size())
    bad_map(fmt::format("key '{}' names GPU {}, but {}", key, ordinal,
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
  // nlohmann keeps the last of two equal keys silently; a key given twice is a mistake worth
  // reporting, so the parser's callback watches the keys of the top-level object.
  std::set<std::string> seen;
  std::string duplicate;
  const nlohmann::json::parser_callback_t watch = [&](int depth, nlohmann::json::parse_event_t event,
                                                      nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!seen.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json.begin(), json.end(), watch);
  } catch (const nlohmann::json::exception& error) {
    bad_map(error.what());
  }
  if (!document.is_object())
    bad_map(fmt::format("expected an object of module name -> device, got {}", document.type_name()));
  if (!duplicate.empty()) bad_map(fmt::format("key '{}' is given twice", duplicate));

  DeviceMap map;
  for (const auto& [key, value] : document.items()) {
    std::string target;
    if (value.is_number_unsigned()) {
      target = gpu_by_ordinal(value.get<std::uint64_t>(), key, gpu_names);
    } else if (value.is_number_integer()) {
      bad_map(fmt::format("key '{}' names GPU {}: GPU ordinals start at 0", key, value.get<std::int64_t>()));
    } else if (value.is_string()) {
      target = value.get<std::string>();
      if (target.empty()) bad_map(fmt::format("key '{}' has an empty device name", key));
      // Ordinals written as strings ("0"), as Hugging Face users often do, and "cuda:N".
      if (const auto ordinal = ordinal_of(target)) {
        target = gpu_by_ordinal(*ordinal, key, gpu_names);
      } else if (target.starts_with("cuda:")) {
        const auto cuda = ordinal_of(std::string_view(target).substr(5));
        if (!cuda) bad_map(fmt::format("key '{}': '{}' is not a GPU ordinal", key, target));
        target = gpu_by_ordinal(*cuda, key, gpu_names);
      }
    } else {
      bad_map(fmt::format("key '{}' must map to a device name or a GPU ordinal, not {}", key, value.type_name()));
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
