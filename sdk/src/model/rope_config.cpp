#include "model/rope_config.hpp"

#include "model/config_limits.hpp"

#include <strata_safe_io/printable.hpp>

#include <numbers>

namespace strata::detail {
namespace {

using nlohmann::json;
namespace limits = config_limits;

// Scaling factors of real models run from 2 to a few hundred.
constexpr double max_scaling_factor = 1e6;

std::string field_name(std::string_view block, std::string_view key) { return fmt::format("{}.{}", block, key); }

double required_real(const ConfigReader& reader, const json& block, std::string_view block_name, std::string_view key,
                     double low, double high) {
  const json* value = reader.get(block, key);
  if (!value) reader.fail(field_name(block_name, key), "is missing");
  return reader.real(value, field_name(block_name, key), low, high);
}

// One block of rope settings ({"rope_type": ..., "rope_theta": ..., "factor": ...}).
void read_block(const ConfigReader& reader, const json& block, std::string_view name, double& theta,
                RopeScaling& scaling, double& partial_rotary_factor) {
  if (!block.is_object()) reader.fail(name, "must be an object");
  for (std::string_view type_key : {"rope_type", "type"})
    if (const json* type = reader.get(block, type_key)) scaling.type = reader.text(type, field_name(name, type_key));
  if (const json* value = reader.get(block, "rope_theta"))
    theta = reader.real(value, field_name(name, "rope_theta"), limits::min_rope_theta, limits::max_rope_theta);
  if (const json* value = reader.get(block, "partial_rotary_factor"))
    partial_rotary_factor = reader.real(value, field_name(name, "partial_rotary_factor"), 0.0, 1.0);

  if (scaling.type == "default") return;
  if (scaling.type != "linear" && scaling.type != "llama3")
    reader.fail(field_name(name, "rope_type"),
                fmt::format("is '{}'; Strata runs the rotary embeddings 'default', 'linear' and 'llama3'",
                            safe_io::printable(scaling.type)),
                StatusCode::unsupported);
  scaling.factor = required_real(reader, block, name, "factor", 1e-6, max_scaling_factor);
  if (scaling.type == "linear") return;
  scaling.low_freq_factor = required_real(reader, block, name, "low_freq_factor", 1e-6, max_scaling_factor);
  scaling.high_freq_factor = required_real(reader, block, name, "high_freq_factor", 1e-6, max_scaling_factor);
  if (!(scaling.high_freq_factor > scaling.low_freq_factor))
    reader.fail(field_name(name, "high_freq_factor"), fmt::format("({:g}) must exceed low_freq_factor ({:g})",
                                                                  scaling.high_freq_factor, scaling.low_freq_factor));
  const json* original = reader.get(block, "original_max_position_embeddings");
  if (!original) reader.fail(field_name(name, "original_max_position_embeddings"), "is missing");
  scaling.original_max_position_embeddings =
      reader.integer(original, field_name(name, "original_max_position_embeddings"), 1, limits::max_positions);
}

}  // namespace

RopeSettings read_rope_settings(const ConfigReader& reader) {
  RopeSettings settings;
  if (const json* value = reader.get("rope_theta"))
    settings.theta = reader.real(value, "rope_theta", limits::min_rope_theta, limits::max_rope_theta);
  if (const json* value = reader.get("partial_rotary_factor"))
    settings.partial_rotary_factor = reader.real(value, "partial_rotary_factor", 0.0, 1.0);
  for (std::string_view block_name : {"rope_scaling", "rope_parameters"}) {
    const json* block = reader.get(block_name);
    if (!block) continue;
    if (!block->is_object()) reader.fail(block_name, "must be an object");
    const json* full = reader.get(*block, "full_attention");
    const json* sliding = reader.get(*block, "sliding_attention");
    if (!full && !sliding) {
      read_block(reader, *block, block_name, settings.theta, settings.scaling, settings.partial_rotary_factor);
      continue;
    }
    // Per layer type (Gemma 3 under transformers 5).
    if (full)
      read_block(reader, *full, field_name(block_name, "full_attention"), settings.theta, settings.scaling,
                 settings.partial_rotary_factor);
    if (sliding) {
      double theta = settings.theta;
      RopeScaling scaling;
      double partial = settings.partial_rotary_factor;
      const std::string name = field_name(block_name, "sliding_attention");
      read_block(reader, *sliding, name, theta, scaling, partial);
      if (scaling.scales() || partial != settings.partial_rotary_factor)
        reader.fail(name,
                    "scales the sliding layers' rotation or rotates another share of features; Strata runs "
                    "them with a base of their own only",
                    StatusCode::unsupported);
      settings.sliding_theta = theta;
    }
  }
  if (const json* value = reader.get("rope_local_base_freq"))
    settings.sliding_theta = reader.real(value, "rope_local_base_freq", limits::min_rope_theta, limits::max_rope_theta);
  return settings;
}

std::int64_t rotary_dimensions(const ConfigReader& reader, double partial_rotary_factor, std::int64_t head_dim) {
  if (partial_rotary_factor == 1.0) return head_dim;
  const auto rotary = static_cast<std::int64_t>(static_cast<double>(head_dim) * partial_rotary_factor);
  if (rotary < 2 || rotary % 2 != 0)
    reader.fail("partial_rotary_factor",
                fmt::format("({:g}) times head_dim ({}) gives {} rotating features; it must give an even number of "
                            "at least 2",
                            partial_rotary_factor, head_dim, rotary));
  return rotary;
}

std::vector<float> rope_inverse_frequencies(const ModelConfig& config, bool sliding_layer) {
  const bool own_base = sliding_layer && config.sliding_rope_theta.has_value();
  const double theta = own_base ? *config.sliding_rope_theta : config.rope_theta;
  const RopeScaling scaling = own_base ? RopeScaling{} : config.rope_scaling;
  const std::int64_t dimensions = config.rotary_dimensions();
  std::vector<float> frequencies(static_cast<std::size_t>(dimensions / 2));
  for (std::size_t i = 0; i < frequencies.size(); ++i) {
    const double base = 1.0 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(dimensions));
    double scaled = base;
    if (scaling.type == "linear") {
      scaled = base / scaling.factor;
    } else if (scaling.type == "llama3") {
      // Wavelengths longer than the original context over low_freq_factor are stretched by factor,
      // shorter than it over high_freq_factor kept, and the band between blended smoothly.
      const auto original = static_cast<double>(scaling.original_max_position_embeddings);
      const double wavelength = 2 * std::numbers::pi / base;
      if (wavelength > original / scaling.low_freq_factor) {
        scaled = base / scaling.factor;
      } else if (wavelength >= original / scaling.high_freq_factor) {
        const double smooth =
            (original / wavelength - scaling.low_freq_factor) / (scaling.high_freq_factor - scaling.low_freq_factor);
        scaled = (1 - smooth) * base / scaling.factor + smooth * base;
      }
    }
    frequencies[i] = static_cast<float>(scaled);
  }
  return frequencies;
}

}  // namespace strata::detail
