/* A program built against C API 1.0 keeps working with every later libstrata: this file includes
 * the frozen copy of the 1.0 header (strata_h_1_0.h), never the current <strata/strata.h>, and
 * walks the whole path with the struct sizes of 1.0. When the header grows, the library must still
 * read these smaller structs, fill only what they hold, and give the same answers. */
#include "strata_h_1_0.h"

#include "check.h"
#include "golden_case.h"

#include <stdint.h>
#include <string.h>

static const char golden_prompt[] = STRATA_GOLDEN_PROMPT;
static const char golden_text[] = STRATA_GOLDEN_TEXT;
enum { golden_count = STRATA_GOLDEN_NEW_TOKEN_COUNT, prompt_length = sizeof(golden_prompt) - 1 };

typedef struct streamed {
  int32_t tokens[golden_count];
  size_t count;
} streamed;

static int32_t keep_token(void* user_data, int32_t token) {
  streamed* out = (streamed*)user_data;
  CHECK(out->count < golden_count);
  out->tokens[out->count++] = token;
  return 1;
}

static void a_program_built_against_1_0_still_works(void) {
  CHECK(STRATA_VERSION_MAJOR(strata_c_api_version()) == 1);
  CHECK(strata_c_api_version() >= STRATA_MAKE_VERSION(1, 0));

  strata_runtime_options runtime_options;
  strata_runtime_options_init(&runtime_options, sizeof runtime_options);
  runtime_options.flags = STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS;
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(&runtime_options, &runtime));
  size_t cpu = 0;
  CHECK_OK(strata_runtime_find_device(runtime, "cpu", &cpu));
  strata_device_info device;
  memset(&device, 0, sizeof device);
  device.struct_size = sizeof device;
  CHECK_OK(strata_runtime_device_info(runtime, cpu, &device));
  CHECK(device.struct_size == sizeof device && strcmp(device.name, "cpu") == 0);

  strata_checkpoint* checkpoint = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR, &checkpoint));
  strata_model_info model;
  memset(&model, 0, sizeof model);
  model.struct_size = sizeof model;
  CHECK_OK(strata_checkpoint_model_info(checkpoint, &model));
  CHECK(model.struct_size == sizeof model && model.byte_vocabulary);

  strata_plan_options plan_options;
  strata_plan_options_init(&plan_options, sizeof plan_options);
  plan_options.strategy = "cpu";
  plan_options.context_length = prompt_length + golden_count;
  strata_plan* plan = NULL;
  CHECK_OK(strata_plan_create(runtime, checkpoint, &plan_options, &plan));
  CHECK(strata_plan_target_count(plan) == model.unit_count);

  strata_session_options session_options;
  strata_session_options_init(&session_options, sizeof session_options);
  session_options.context_length = prompt_length + golden_count;
  strata_session* session = NULL;
  CHECK_OK(strata_session_create(runtime, checkpoint, plan, &session_options, &session));

  int32_t prompt[prompt_length];
  size_t count = 0;
  CHECK_OK(strata_text_to_byte_tokens(golden_prompt, prompt_length, prompt, prompt_length, &count));
  streamed out = {{0}, 0};
  strata_generate_options options;
  strata_generate_options_init(&options, sizeof options);
  options.max_new_tokens = golden_count;
  options.on_token = keep_token;
  options.user_data = &out;
  strata_generation_result result;
  memset(&result, 0, sizeof result);
  result.struct_size = sizeof result;
  CHECK_OK(strata_generate(session, prompt, count, &options, &result));
  CHECK(result.struct_size == sizeof result && result.stop_reason == STRATA_STOP_MAX_NEW_TOKENS);
  CHECK(result.token_count == golden_count && out.count == golden_count);

  char text[sizeof golden_text];
  size_t length = 0;
  CHECK_OK(strata_byte_tokens_to_text(out.tokens, out.count, text, sizeof text, &length));
  CHECK(strcmp(text, golden_text) == 0);

  strata_session_destroy(session);
  strata_plan_destroy(plan);
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
}

int main(int argc, char** argv) {
  static const test_case cases[] = {
      {"a_program_built_against_1_0_still_works", a_program_built_against_1_0_still_works}};
  return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
