#include "input_files.hpp"

#include <strata/error.hpp>

#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>

namespace strata::cli {

std::string read_input_file(const std::filesystem::path& path) {
  std::string why;
  std::optional<std::string> text = safe_io::read_regular_file(path, max_input_file_bytes, why);
  if (!text) throw Error(StatusCode::invalid_argument, fmt::format("{} {}", path.string(), why));
  return std::move(*text);
}

}  // namespace strata::cli
