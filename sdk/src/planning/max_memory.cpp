// The text forms of planning options: max_memory and the links of a simulated-devices file.
#include <strata/error.hpp>
#include <strata/planner.hpp>
#include <strata/types.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>

namespace strata {
namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(StatusCode::invalid_argument, message); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

void put(std::map<std::string, std::uint64_t>& limits, std::string key, std::uint64_t bytes) {
  if (key.empty()) bad("max_memory: a device name is empty");
  if (!safe_io::is_printable(key))
    bad(fmt::format("max_memory: '{}' holds characters no device name has", safe_io::printable(key)));
  if (!limits.emplace(key, bytes).second) bad(fmt::format("max_memory: '{}' is given twice", key));
}

}  // namespace

std::map<std::string, std::uint64_t> parse_max_memory(std::string_view text) {
  std::map<std::string, std::uint64_t> limits;
  const std::string_view body = trim(text);
  if (body.empty()) bad("max_memory: it is empty");
  if (body.front() == '{') {
    std::string why;
    const std::optional<nlohmann::json> document = safe_io::parse_bounded_json(body, why);
    if (!document) bad(fmt::format("max_memory JSON: {}", why));
    for (const auto& [key, value] : document->items()) {
      std::uint64_t bytes = 0;
      if (value.is_number_unsigned())
        bytes = value.get<std::uint64_t>();
      else if (value.is_string())
        bytes = parse_size(value.get<std::string>());
      else
        bad(fmt::format("max_memory: '{}' must be a size like \"10GiB\" or a number of bytes, not {}",
                        safe_io::printable(key), value.type_name()));
      put(limits, key, bytes);
    }
    return limits;
  }
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t comma = body.find(',', start);
    const std::string_view item = trim(body.substr(start, comma == std::string_view::npos ? body.npos : comma - start));
    const std::size_t equals = item.find_first_of("=:");
    // "opencl:0=10GiB": the name itself may hold ':', so split at '=' when there is one.
    const std::size_t split = item.find('=') != std::string_view::npos ? item.find('=') : item.rfind(':');
    if (item.empty() || equals == std::string_view::npos || split == std::string_view::npos)
      bad(fmt::format("max_memory: '{}' is not DEVICE=SIZE (e.g. \"opencl:0=10GiB,cpu=30GB,disk=1TB\")", item));
    put(limits, std::string(trim(item.substr(0, split))), parse_size(trim(item.substr(split + 1))));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return limits;
}

std::vector<Link> parse_links_json(std::string_view json) {
  std::string why;
  const std::optional<nlohmann::json> parsed = safe_io::parse_bounded_json(json, why);
  if (!parsed) bad(fmt::format("links JSON: {}", why));
  const nlohmann::json& document = *parsed;
  std::vector<Link> links;
  if (!document.is_object() || !document.contains("links")) return links;
  const nlohmann::json& list = document["links"];
  if (!list.is_array()) bad("links JSON: \"links\" must be an array");
  for (const nlohmann::json& entry : list) {
    if (!entry.is_object() || !entry.contains("between") || !entry["between"].is_array() ||
        entry["between"].size() != 2 || !entry["between"][0].is_string() || !entry["between"][1].is_string() ||
        !entry.contains("gbps") || !entry["gbps"].is_number())
      bad(fmt::format("links JSON: each link is {{\"between\": [\"sim:0\", \"sim:1\"], \"gbps\": 300}}, not {}",
                      safe_io::printable(entry.dump())));
    for (const nlohmann::json& end : entry["between"])
      if (!safe_io::is_printable(end.get_ref<const std::string&>()))
        bad(fmt::format("links JSON: '{}' holds characters no device name has",
                        safe_io::printable(end.get_ref<const std::string&>())));
    const double gbps = entry["gbps"].get<double>();
    if (!(gbps > 0) || gbps > 1e9) bad(fmt::format("links JSON: bandwidth {} GB/s is out of range", gbps));
    links.push_back({entry["between"][0].get<std::string>(), entry["between"][1].get<std::string>(), gbps * 1e9});
  }
  return links;
}

}  // namespace strata
