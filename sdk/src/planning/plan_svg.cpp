// `strata plan --svg`: the placement as a picture. A strip of the units in execution order,
// coloured by device, above one column per device whose bar shows its budget split into
// weights, KV cache, workspace and free room.
#include "planning/name_lists.hpp"
#include "planning/plan_view.hpp"

#include <strata/planner.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

namespace strata {
namespace {

constexpr std::array<const char*, 10> palette{"#4e79a7", "#59a14f", "#e15759", "#b07aa1", "#76b7b2",
                                              "#edc948", "#ff9da7", "#9c755f", "#f28e2b", "#bab0ac"};
constexpr const char* cpu_colour = "#7f7f7f";
constexpr const char* disk_colour = "#5b4636";
constexpr const char* kv_colour = "#f28e2b";
constexpr const char* workspace_colour = "#edc948";
constexpr const char* free_colour = "#eeeeee";

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string colour_of(const DevicePlan& device, std::size_t accelerator_index) {
  if (device.name == "disk") return disk_colour;
  if (device.offload_tier) return cpu_colour;
  return palette[accelerator_index % palette.size()];
}

}  // namespace

std::string plan_to_svg(const PlanResult& result, std::string_view title) {
  const PlanReport& report = result.report;
  const std::size_t columns = std::max<std::size_t>(report.devices.size(), 1);
  const double column_width = 170;
  const double width = std::max(640.0, 40 + column_width * static_cast<double>(columns));
  const double strip_top = 70;
  const double strip_height = 26;
  const double bar_top = 150;
  const double bar_height = 280;
  const double height = bar_top + bar_height + 110;

  std::map<std::string, std::string> colours;
  std::size_t accelerators = 0;
  for (const DevicePlan& device : report.devices)
    colours[device.name] = colour_of(device, device.offload_tier ? 0 : accelerators++);

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  const std::string heading = title.empty() ? fmt::format("strategy {}", report.strategy)
                                            : fmt::format("{} - strategy {}", title, report.strategy);
  svg += fmt::format("<text x=\"20\" y=\"28\" font-size=\"16\" font-weight=\"bold\">{}</text>\n", escape(heading));
  svg += fmt::format(
      "<text x=\"20\" y=\"48\">batch {}, context {} tokens: {} ms/token ({} tokens/s); pipeline bottleneck "
      "{} {} ms</text>\n",
      report.workload.batch_size, report.workload.context_length, detail::figure(report.latency_ms, "{:.2f}"),
      detail::figure(report.tokens_per_second, "{:.3g}"), escape(report.bottleneck),
      detail::figure(report.bottleneck_ms, "{:.2f}"));

  // The units in execution order.
  const double strip_width = width - 40;
  const double cell = result.targets.empty() ? 0 : strip_width / static_cast<double>(result.targets.size());
  svg += fmt::format("<text x=\"20\" y=\"{:.0f}\">units in execution order</text>\n", strip_top - 6);
  for (std::size_t u = 0; u < result.targets.size(); ++u)
    svg += fmt::format("<rect x=\"{:.2f}\" y=\"{:.0f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"{}\"/>\n",
                       20 + cell * static_cast<double>(u), strip_top, cell + 0.05, strip_height,
                       colours[result.targets[u]]);
  svg += fmt::format("<text x=\"20\" y=\"{:.0f}\" fill=\"#555\">first unit</text>\n", strip_top + strip_height + 14);
  svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" fill=\"#555\" text-anchor=\"end\">last unit</text>\n", width - 20,
                     strip_top + strip_height + 14);

  // Legend.
  const std::array<std::pair<const char*, const char*>, 3> legend{
      {{"KV cache", kv_colour}, {"workspace", workspace_colour}, {"free", free_colour}}};
  double legend_x = 20;
  svg +=
      fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">weights in the device's colour;</text>\n", legend_x, bar_top - 22);
  legend_x += 215;
  for (const auto& [label, colour] : legend) {
    svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#999\"/>",
                       legend_x, bar_top - 32, colour);
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n", legend_x + 16, bar_top - 22, label);
    legend_x += 100;
  }

  // One column per device.
  for (std::size_t index = 0; index < report.devices.size(); ++index) {
    const DevicePlan& device = report.devices[index];
    const double x = 20 + column_width * static_cast<double>(index);
    const double bar_x = x + 40;
    const double bar_width = 60;
    const bool unlimited = device.budget_bytes == UINT64_MAX;
    const double scale_bytes =
        static_cast<double>(std::max<std::uint64_t>(unlimited ? device.used_bytes() : device.budget_bytes, 1));
    svg += fmt::format(
        "<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"{}\" stroke=\"#999\"/>\n", bar_x,
        bar_top, bar_width, bar_height, free_colour);
    double y = bar_top + bar_height;
    const std::array<std::pair<std::uint64_t, std::string>, 3> parts{{{device.weight_bytes, colours[device.name]},
                                                                      {device.kv_bytes, kv_colour},
                                                                      {device.workspace_bytes, workspace_colour}}};
    for (const auto& [bytes, colour] : parts) {
      const double h = std::min(bar_height, bar_height * static_cast<double>(bytes) / scale_bytes);
      if (h <= 0) continue;
      y -= h;
      svg += fmt::format("<rect x=\"{:.0f}\" y=\"{:.2f}\" width=\"{:.0f}\" height=\"{:.2f}\" fill=\"{}\"/>\n", bar_x,
                         std::max(y, bar_top), bar_width, h, colour);
    }
    const double label_y = bar_top + bar_height + 18;
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" font-weight=\"bold\">{}</text>\n", x, label_y,
                       escape(device.name));
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{} of {}</text>\n", x, label_y + 16,
                       format_size(device.used_bytes()), escape(detail::size_text(device.budget_bytes)));
    std::string units = device.units.empty() ? "no units" : detail::summarize_names(device.units);
    if (units.size() > 26) units = fmt::format("{} units", device.units.size());
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n", x, label_y + 32, escape(units));
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{} ms/token{}</text>\n", x, label_y + 48,
                       detail::figure(device.ms_per_token, "{:.2f}"),
                       device.bound.empty() ? "" : fmt::format(" ({})", device.bound));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace strata
