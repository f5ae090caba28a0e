// What every section of the device benchmark shares: the options, the device and the report.
#pragma once

#include <strata/strata.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bench {

struct Options {
  std::string device = "cpu";
  std::string json_path;
  bool quick = false;
  bool if_present = false;
  // The matmul engines to compare, by backend: OpenCL's own kernels against CLBlast, Vulkan's
  // cooperative-matrix shaders against its portable tiled shader. The last one listed is the
  // baseline the others are divided by.
  std::vector<std::string> opencl_matmul = {"own", "clblast"};
  std::vector<std::string> vulkan_matmul = {"coopmat", "tiled"};
  std::vector<std::string> sections = {"copy", "matvec", "matmul", "decode"};
  int decode_tokens = 64;
  int decode_context = 128;
};

struct Row {
  Row(std::string section_, std::string label_, double value_, std::string unit_)
      : section(std::move(section_)), label(std::move(label_)), value(value_), unit(std::move(unit_)) {}
  std::string section;  // "copy", "matvec", "matmul", "decode"
  std::string label;    // what was measured
  double value = 0;
  std::string unit;
  double ratio = -1;  // against a limit (copy bandwidth, bandwidth-bound tokens/s), -1 when none
  std::string ratio_to;
};

class Report {
 public:
  void add(Row row);
  const std::vector<Row>& rows() const { return rows_; }
  // The value of the first row of a section with this label prefix, or 0 when none.
  double value_of(const std::string& section, const std::string& label) const;
  void print_table() const;
  void write_json(const std::string& path, const strata::Device& device, const Options& options) const;

 private:
  std::vector<Row> rows_;
};

// A queue for one measurement variant: `matmul_engine` selects the plugin's matmul path for the
// queue (STRATA_OPENCL_MATMUL or STRATA_VULKAN_MATMUL, read when a queue is created); "default"
// and other backends take the plugin's default. Empty when the engine is not available here
// (CLBlast not installed, no cooperative matrices): the reason is printed and the variant skipped.
std::optional<strata::Queue> make_queue(const strata::Device& device, const std::string& matmul_engine);
// The engines to run the matmul section with on this device: Options::opencl_matmul on OpenCL,
// Options::vulkan_matmul on Vulkan, else one default engine.
std::vector<std::string> matmul_engines(const strata::Device& device, const Options& options);
// The engines for matrix-vector work (M = 1): as matmul_engines on OpenCL, where CLBlast runs it
// too; one default engine elsewhere (Vulkan's engines differ only for M > 1).
std::vector<std::string> matvec_engines(const strata::Device& device, const Options& options);

void run_copy_section(const strata::Device& device, const Options& options, Report& report);
void run_matvec_section(const strata::Device& device, const Options& options, Report& report);
void run_matmul_section(const strata::Device& device, const Options& options, Report& report);
void run_decode_section(const strata::Device& device, const Options& options, Report& report);

}  // namespace bench
