#include "calibration/cache_entry.hpp"

#include <strata_safe_io/bounded_json.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace strata::detail {
namespace {

using Json = nlohmann::json;

// The fields that identify the device a measurement belongs to; a change in any of them (a new
// plugin version, a driver update) means measuring again.
std::array<std::pair<const char*, const std::string*>, 5> key_fields(const DeviceInfo& device) {
  return {{{"stable_id", &device.stable_id},
           {"backend", &device.backend},
           {"plugin_version", &device.plugin_version},
           {"driver", &device.driver},
           {"description", &device.description}}};
}

// FNV-1a, 64 bits: stable across compilers and runs, unlike std::hash.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (unsigned char byte : text) hash = (hash ^ byte) * 0x100000001b3ull;
  return hash;
}

// Thrown while decoding; caught at the top of decode_cache_entry.
struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json& field(const Json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end()) throw Malformed(fmt::format("lacks \"{}\"", name));
  return *found;
}

double figure(const Json& value, std::string_view name) {
  if (!value.is_number()) throw Malformed(fmt::format("\"{}\" is not a number", name));
  const double number = value.get<double>();
  if (!std::isfinite(number) || number <= 0)
    throw Malformed(fmt::format("\"{}\" is {}, not a positive figure", name, number));
  return number;
}

std::optional<double> optional_figure(const Json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end()) return std::nullopt;
  return figure(*found, name);
}

std::map<DType, double> per_dtype(const Json& object, const char* name) {
  std::map<DType, double> figures;
  auto found = object.find(name);
  if (found == object.end()) return figures;
  if (!found->is_object()) throw Malformed(fmt::format("\"{}\" is not an object", name));
  for (const auto& [key, value] : found->items()) {
    const std::optional<DType> dtype = parse_dtype(key);
    if (!dtype || *dtype == DType::i32)
      throw Malformed(fmt::format("\"{}\" names an unknown weight dtype \"{}\"", name, key));
    figures[*dtype] = figure(value, fmt::format("{}.{}", name, key));
  }
  return figures;
}

std::map<std::string, double> per_op_kind(const Json& object, const char* name) {
  std::map<std::string, double> figures;
  auto found = object.find(name);
  if (found == object.end()) return figures;
  if (!found->is_object()) throw Malformed(fmt::format("\"{}\" is not an object", name));
  if (found->size() > 32) throw Malformed(fmt::format("\"{}\" has {} entries", name, found->size()));
  for (const auto& [key, value] : found->items()) {
    if (key.empty() || key.size() > 32 || key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
      throw Malformed(fmt::format("\"{}\" names an op \"{}\" that is not an op name", name, key));
    figures[key] = figure(value, fmt::format("{}.{}", name, key));
  }
  return figures;
}

// {"4194304": 3.1e10, ...}: figures by a size (bytes, tokens).
std::map<std::int64_t, double> by_size(const Json& object, const char* name) {
  std::map<std::int64_t, double> figures;
  auto found = object.find(name);
  if (found == object.end()) return figures;
  if (!found->is_object() || found->size() > 16) throw Malformed(fmt::format("\"{}\" is not a small object", name));
  for (const auto& [key, value] : found->items()) {
    std::int64_t bytes = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), bytes);
    if (error != std::errc() || end != key.data() + key.size() || bytes <= 0)
      throw Malformed(fmt::format("\"{}\" has a size \"{}\" that is not a positive whole number", name, key));
    figures[bytes] = figure(value, fmt::format("{}.{}", name, key));
  }
  return figures;
}

Json by_size_json(const std::map<std::int64_t, double>& figures) {
  Json object = Json::object();
  for (const auto& [bytes, value] : figures) object[std::to_string(bytes)] = value;
  return object;
}

Json per_dtype_json(const std::map<DType, double>& figures) {
  Json object = Json::object();
  for (const auto& [dtype, value] : figures) object[std::string(to_string(dtype))] = value;
  return object;
}

void check_key(const Json& key, const DeviceInfo& device, bool& outdated) {
  if (!key.is_object()) throw Malformed("\"key\" is not an object");
  for (const auto& [name, expected] : key_fields(device)) {
    const Json& stored = field(key, name);
    if (!stored.is_string()) throw Malformed(fmt::format("key \"{}\" is not a string", name));
    if (stored.get<std::string>() != *expected) {
      outdated = true;
      throw Malformed(fmt::format("was measured with {} \"{}\", this device has \"{}\"", name,
                                  stored.get<std::string>(), *expected));
    }
  }
}

DeviceMeasurements measurements_from(const Json& object) {
  if (!object.is_object()) throw Malformed("\"measurements\" is not an object");
  DeviceMeasurements m;
  m.matvec_bandwidth = per_dtype(object, "matvec_bandwidth");
  m.narrow_matvec_bandwidth = per_dtype(object, "narrow_matvec_bandwidth");
  m.matmul_flops = per_dtype(object, "matmul_flops");
  m.small_matvec_seconds = per_dtype(object, "small_matvec_seconds");
  m.tall_matvec_seconds = per_dtype(object, "tall_matvec_seconds");
  m.wide_matvec_seconds = per_dtype(object, "wide_matvec_seconds");
  m.small_matmul_flops = per_dtype(object, "small_matmul_flops");
  m.op_kind_seconds = per_op_kind(object, "op_kind_seconds");
  m.f32_matvec_bandwidth_by_size = by_size(object, "f32_matvec_bandwidth_by_size");
  if (const auto bytes = optional_figure(object, "matvec_weight_bytes")) m.matvec_weight_bytes = *bytes;
  if (const auto flops = optional_figure(object, "matmul_op_flops")) m.matmul_op_flops = *flops;
  m.host_to_device = optional_figure(object, "host_to_device");
  m.device_to_host = optional_figure(object, "device_to_host");
  m.op_seconds = optional_figure(object, "op_seconds");
  m.round_trip_seconds = optional_figure(object, "round_trip_seconds");
  m.layer_seconds = by_size(object, "layer_seconds");
  const Json& at = field(object, "measured_at");
  if (!at.is_string() || at.get<std::string>().empty()) throw Malformed("\"measured_at\" is not a date");
  m.measured_at = at.get<std::string>();
  m.seconds_taken = figure(field(object, "seconds_taken"), "seconds_taken");
  return m;
}

}  // namespace

std::string cache_entry_file_name(const DeviceInfo& device) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const auto& [name, value] : key_fields(device)) {
    // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
    hash = fnv1a(fmt::format("{}:{}:", value->size(), *value), hash);
  }
  return fmt::format("{:016x}.json", hash);
}

std::string encode_cache_entry(const DeviceInfo& device, const DeviceMeasurements& m) {
  Json key = Json::object();
  for (const auto& [name, value] : key_fields(device)) key[name] = *value;
  Json measurements = {{"matvec_bandwidth", per_dtype_json(m.matvec_bandwidth)},
                       {"narrow_matvec_bandwidth", per_dtype_json(m.narrow_matvec_bandwidth)},
                       {"matmul_flops", per_dtype_json(m.matmul_flops)},
                       {"small_matvec_seconds", per_dtype_json(m.small_matvec_seconds)},
                       {"tall_matvec_seconds", per_dtype_json(m.tall_matvec_seconds)},
                       {"wide_matvec_seconds", per_dtype_json(m.wide_matvec_seconds)},
                       {"small_matmul_flops", per_dtype_json(m.small_matmul_flops)},
                       {"op_kind_seconds", Json(m.op_kind_seconds)},
                       {"f32_matvec_bandwidth_by_size", by_size_json(m.f32_matvec_bandwidth_by_size)},
                       {"layer_seconds", by_size_json(m.layer_seconds)},
                       {"measured_at", m.measured_at},
                       {"seconds_taken", m.seconds_taken}};
  if (m.matvec_weight_bytes > 0) measurements["matvec_weight_bytes"] = m.matvec_weight_bytes;
  if (m.matmul_op_flops > 0) measurements["matmul_op_flops"] = m.matmul_op_flops;
  if (m.host_to_device) measurements["host_to_device"] = *m.host_to_device;
  if (m.device_to_host) measurements["device_to_host"] = *m.device_to_host;
  if (m.op_seconds) measurements["op_seconds"] = *m.op_seconds;
  if (m.round_trip_seconds) measurements["round_trip_seconds"] = *m.round_trip_seconds;
  const Json entry = {
      {"format", "strata-calibration"}, {"version", cache_entry_version}, {"key", key}, {"measurements", measurements}};
  return entry.dump(2) + "\n";
}

std::optional<DeviceMeasurements> decode_cache_entry(std::string_view text, const DeviceInfo& device, std::string& why,
                                                     bool& outdated) {
  outdated = false;
  std::string parse_error;  // the entry is judged below, as before
  const Json entry = safe_io::parse_bounded_json(text, parse_error).value_or(Json(Json::value_t::discarded));
  if (entry.is_discarded() || !entry.is_object()) {
    why = "is not JSON (a damaged or truncated file)";
    return std::nullopt;
  }
  try {
    const Json& format = field(entry, "format");
    if (!format.is_string() || format.get<std::string>() != "strata-calibration")
      throw Malformed("is not a Strata calibration entry");
    const Json& version = field(entry, "version");
    if (!version.is_number_integer()) throw Malformed("has no version number");
    outdated = version.get<std::int64_t>() != cache_entry_version;
    if (outdated)
      throw Malformed(fmt::format("has version {}, this SDK reads version {}", version.dump(), cache_entry_version));
    check_key(field(entry, "key"), device, outdated);
    return measurements_from(field(entry, "measurements"));
  } catch (const Malformed& error) {
    why = error.what();
    return std::nullopt;
  } catch (const Json::exception& error) {
    why = error.what();
    return std::nullopt;
  }
}

}  // namespace strata::detail
