// libFuzzer target: any bytes as config.json. Parsing either throws strata::Error or yields a
// config whose graph builds and passes validation with sizes that do not overflow.
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  strata::ModelConfig config;
  try {
    config = strata::parse_model_config(text, "fuzz/config.json");
  } catch (const strata::Error&) {
    return 0;
  }
  // Huge but valid configs are legal; keep each run fast by building only modest graphs.
  if (config.num_hidden_layers > 64) return 0;
  const strata::ModelGraph graph = strata::build_model_graph(config);
  strata::validate_model_graph(graph);  // a built graph is always valid: a throw here is a bug
  if (graph.units.size() != static_cast<std::size_t>(config.num_hidden_layers) + 3) std::abort();
  if (graph.parameter_bytes() == 0 || config.context_limit() <= 0) std::abort();
  return 0;
}
