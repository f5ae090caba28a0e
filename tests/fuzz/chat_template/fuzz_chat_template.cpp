// libFuzzer target: any bytes as a chat template (and, after a NUL byte, as the JSON context it
// renders). Parsing and rendering either succeed or throw strata::Error: no other exception, no
// crash, no hang and no runaway memory (the sanitizers and libFuzzer's timeout and rss limit
// watch).
#include <strata/chat_template.hpp>
#include <strata/error.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t separator = input.find('\0');
  const std::string_view source = input.substr(0, separator);
  std::optional<strata::ChatTemplate> chat;
  try {
    chat.emplace(source, std::map<std::string, std::string>{{"bos_token", "<s>"}, {"eos_token", "</s>"}});
  } catch (const strata::Error&) {
    return 0;
  }
  try {
    const std::vector<strata::ChatMessage> messages = {{"system", "Be brief."},
                                                       {"user", "Hi \xC3\xA9 {{ x }}"},
                                                       {"assistant", "<think>\nhm\n</think>\n\nHello"},
                                                       {"user", "Again"}};
    (void)chat->apply(messages, true);
    (void)chat->apply({}, false);
  } catch (const strata::Error&) {
  }
  if (separator != std::string_view::npos) {
    try {
      (void)chat->render_json(input.substr(separator + 1));
    } catch (const strata::Error&) {
    }
  }
  return 0;
}
