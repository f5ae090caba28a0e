/* The C API's failures, from C: each returns the right code and a message that says what is
 * wrong; outputs stay untouched; messages are per thread; versioned structs grow safely; the log
 * reaches a callback. */
#include <strata/strata.h>

#include "check.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#ifndef STRATA_DEMO_MODEL_DIR
#error "STRATA_DEMO_MODEL_DIR names the demo model's folder"
#endif

/* A runtime with the installed plugins only (the cpu device at least). */
static strata_runtime* installed_runtime(void) {
  strata_runtime_options options;
  strata_runtime_options_init(&options, sizeof options);
  options.flags = STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS;
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(&options, &runtime));
  return runtime;
}

static strata_checkpoint* demo_checkpoint(void) {
  strata_checkpoint* checkpoint = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR, &checkpoint));
  return checkpoint;
}

static strata_plan_options plan_options_with(const char* strategy, const char* device_map_json,
                                             const char* max_memory) {
  strata_plan_options options;
  strata_plan_options_init(&options, sizeof options);
  options.strategy = strategy;
  options.device_map_json = device_map_json;
  options.max_memory = max_memory;
  return options;
}

/* ---- Cases --------------------------------------------------------------------------- */

static void a_bad_folder_is_unavailable(void) {
  strata_checkpoint* checkpoint = (strata_checkpoint*)&checkpoint; /* a sentinel: must stay */
  strata_checkpoint* const sentinel = checkpoint;
  CHECK_FAILS(strata_checkpoint_open("/nonexistent/strata-model", &checkpoint), STRATA_STATUS_UNAVAILABLE,
              "/nonexistent/strata-model");
  CHECK(checkpoint == sentinel);
  /* A folder that exists but holds no model: the samples' parent folder. */
  CHECK_FAILS(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR "/..", &checkpoint), STRATA_STATUS_UNAVAILABLE,
              "is this a model folder?");
  CHECK(checkpoint == sentinel);
}

static void an_unknown_device_is_an_invalid_argument(void) {
  strata_runtime* runtime = installed_runtime();
  size_t index = 12345;
  CHECK_FAILS(strata_runtime_find_device(runtime, "opencl:99", &index), STRATA_STATUS_INVALID_ARGUMENT,
              "no device named 'opencl:99'");
  CHECK(strstr(strata_last_error_message(), "cpu") != NULL); /* it lists the devices there are */
  CHECK(index == 12345);
  strata_device_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_FAILS(strata_runtime_device_info(runtime, strata_runtime_device_count(runtime), &info),
              STRATA_STATUS_INVALID_ARGUMENT, "does not exist");
  CHECK(info.name == NULL);

  strata_checkpoint* checkpoint = demo_checkpoint();
  strata_plan* plan = NULL;
  const strata_plan_options map = plan_options_with(NULL, "{\"\": \"cpu\", \"lm_head\": \"opencl:99\"}", NULL);
  CHECK_FAILS(strata_plan_create(runtime, checkpoint, &map, &plan), STRATA_STATUS_INVALID_ARGUMENT,
              "lm_head goes to 'opencl:99'");
  const strata_plan_options budget = plan_options_with("auto", NULL, "opencl:99=1GiB");
  CHECK_FAILS(strata_plan_create(runtime, checkpoint, &budget, &plan), STRATA_STATUS_INVALID_ARGUMENT,
              "max_memory: no device 'opencl:99'");
  CHECK(plan == NULL);
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
}

static void a_bad_strategy_is_an_invalid_argument(void) {
  strata_runtime* runtime = installed_runtime();
  strata_checkpoint* checkpoint = demo_checkpoint();
  strata_plan* plan = NULL;
  const strata_plan_options fastest = plan_options_with("fastest", NULL, NULL);
  CHECK_FAILS(strata_plan_create(runtime, checkpoint, &fastest, &plan), STRATA_STATUS_INVALID_ARGUMENT,
              "unknown strategy 'fastest'");
  CHECK(strstr(strata_last_error_message(), "latency") != NULL); /* it lists the strategies */
  const strata_plan_options broken_map = plan_options_with(NULL, "{\"\": ", NULL);
  CHECK_FAILS(strata_plan_create(runtime, checkpoint, &broken_map, &plan), STRATA_STATUS_INVALID_ARGUMENT, "");
  const strata_plan_options no_strategy = plan_options_with(NULL, NULL, NULL);
  CHECK_FAILS(strata_plan_create(runtime, checkpoint, &no_strategy, &plan), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_plan_create: `options->strategy` is NULL");
  CHECK(plan == NULL);
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
}

static void null_arguments_name_the_function_and_the_argument(void) {
  CHECK_FAILS(strata_runtime_create(NULL, NULL), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_runtime_create: `out_runtime` is NULL");
  CHECK_FAILS(strata_checkpoint_open(NULL, NULL), STRATA_STATUS_INVALID_ARGUMENT, "is NULL");
  CHECK_FAILS(strata_generate(NULL, NULL, 0, NULL, NULL), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_generate: `session` is NULL");
  /* Getters and destroy functions take NULL quietly. */
  CHECK(strata_runtime_device_count(NULL) == 0);
  CHECK(strata_plan_target(NULL, 0) == NULL);
  strata_runtime_destroy(NULL);
  strata_session_destroy(NULL);
}

static void generation_refuses_what_cannot_run(void) {
  strata_runtime* runtime = installed_runtime();
  strata_checkpoint* checkpoint = demo_checkpoint();
  strata_plan* plan = NULL;
  CHECK_OK(strata_plan_create(runtime, checkpoint, NULL, &plan));
  strata_session_options session_options;
  strata_session_options_init(&session_options, sizeof session_options);
  session_options.context_length = 16;
  strata_session* session = NULL;
  CHECK_OK(strata_session_create(runtime, checkpoint, plan, &session_options, &session));

  const int32_t prompt[] = {'d', 'e', 'f', ' '};
  CHECK_FAILS(strata_generate(session, prompt, 0, NULL, NULL), STRATA_STATUS_INVALID_ARGUMENT, "prompt is empty");
  const int32_t outside[] = {'d', 256};
  CHECK_FAILS(strata_generate(session, outside, 2, NULL, NULL), STRATA_STATUS_INVALID_ARGUMENT,
              "outside the vocabulary");
  strata_generate_options options;
  strata_generate_options_init(&options, sizeof options);
  options.max_new_tokens = 13;
  CHECK_FAILS(strata_generate(session, prompt, 4, &options, NULL), STRATA_STATUS_INVALID_ARGUMENT,
              "exceed the context of 16 tokens");
  options.max_new_tokens = 2;
  options.top_p = 0.0f;
  CHECK_FAILS(strata_generate(session, prompt, 4, &options, NULL), STRATA_STATUS_INVALID_ARGUMENT, "top_p");
  CHECK(strata_session_position(session) == 0); /* nothing ran */
  CHECK_FAILS(strata_session_reset(session, 5), STRATA_STATUS_INVALID_ARGUMENT, "outside 0..0");

  /* A plan for a model of other units does not load this one. */
  strata_checkpoint* other = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR "/../tiny-qwen2-random", &other));
  strata_model_info mine, theirs;
  memset(&mine, 0, sizeof mine);
  memset(&theirs, 0, sizeof theirs);
  mine.struct_size = theirs.struct_size = sizeof mine;
  CHECK_OK(strata_checkpoint_model_info(checkpoint, &mine));
  CHECK_OK(strata_checkpoint_model_info(other, &theirs));
  CHECK(mine.unit_count != theirs.unit_count);
  strata_session* mismatched = NULL;
  CHECK_FAILS(strata_session_create(runtime, other, plan, NULL, &mismatched), STRATA_STATUS_INVALID_ARGUMENT,
              "made for another model");
  CHECK(mismatched == NULL);
  strata_checkpoint_destroy(other);
  strata_session_destroy(session);
  strata_plan_destroy(plan);
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
}

/* A struct from a newer header: this version's, then fields this library does not know. */
typedef struct newer_runtime_options {
  strata_runtime_options known;
  uint64_t later_field;
} newer_runtime_options;

static void versioned_structs_grow_at_the_end(void) {
  strata_runtime* runtime = NULL;
  strata_runtime_options short_options;
  strata_runtime_options_init(&short_options, sizeof short_options);
  short_options.struct_size = 8;
  CHECK_FAILS(strata_runtime_create(&short_options, &runtime), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_runtime_options.struct_size is 8");

  /* A newer header's struct is accepted while its new fields keep their (zero) defaults ... */
  newer_runtime_options newer;
  strata_runtime_options_init(&newer.known, sizeof newer);
  CHECK(newer.known.struct_size == sizeof newer && newer.later_field == 0);
  newer.known.flags = STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS;
  CHECK_OK(strata_runtime_create(&newer.known, &runtime));
  strata_runtime_destroy(runtime);
  runtime = NULL;
  /* ... and refused once it asks for what this library does not know. */
  newer.later_field = 1;
  CHECK_FAILS(strata_runtime_create(&newer.known, &runtime), STRATA_STATUS_INCOMPATIBLE_VERSION, "fields past the");
  newer.later_field = 0;
  newer.known.flags = 1u << 30;
  CHECK_FAILS(strata_runtime_create(&newer.known, &runtime), STRATA_STATUS_INCOMPATIBLE_VERSION, "does not know");
  CHECK(runtime == NULL);

  /* An older header's struct: init writes no byte past it. */
  unsigned char bytes[sizeof(strata_generate_options) + 16];
  memset(bytes, 0xAB, sizeof bytes);
  strata_generate_options_init((strata_generate_options*)(void*)bytes, 16);
  for (size_t i = 16; i < sizeof bytes; ++i) CHECK(bytes[i] == 0xAB);
  CHECK(((strata_generate_options*)(void*)bytes)->struct_size == 16);

  /* Info written into a larger struct comes back with the size the library wrote. */
  runtime = installed_runtime();
  struct {
    strata_device_info known;
    uint64_t later_field;
  } info;
  memset(&info, 0, sizeof info);
  info.known.struct_size = sizeof info;
  info.later_field = 77;
  CHECK_OK(strata_runtime_device_info(runtime, 0, &info.known));
  CHECK(info.known.struct_size == sizeof(strata_device_info) && info.later_field == 77);
  strata_runtime_destroy(runtime);
}

static void buffers_too_small_are_refused_and_left_untouched(void) {
  const int32_t tokens[] = {'a', 'b', 'c'};
  size_t length = 99;
  CHECK_OK(strata_byte_tokens_to_text(tokens, 3, NULL, 0, &length));
  CHECK(length == 3);
  char text[3] = {'x', 'x', 'x'};
  CHECK_FAILS(strata_byte_tokens_to_text(tokens, 3, text, sizeof text, &length), STRATA_STATUS_INVALID_ARGUMENT,
              "needs 3 and its NUL");
  CHECK(text[0] == 'x' && length == 3);
  const int32_t not_a_byte[] = {'a', 300};
  CHECK_FAILS(strata_byte_tokens_to_text(not_a_byte, 2, NULL, 0, &length), STRATA_STATUS_INVALID_ARGUMENT, "300");

  int32_t out[2] = {-1, -1};
  size_t count = 0;
  CHECK_FAILS(strata_text_to_byte_tokens("abc", 3, out, 2, &count), STRATA_STATUS_INVALID_ARGUMENT,
              "holds 2 tokens; the text needs 3");
  CHECK(out[0] == -1 && count == 0);
}

/* ---- Messages per thread ------------------------------------------------------------- */

typedef struct thread_view {
  char message_at_start[256];
  strata_status_code code;
  char own_message[256];
} thread_view;

static void* fail_on_another_thread(void* argument) {
  thread_view* view = (thread_view*)argument;
  snprintf(view->message_at_start, sizeof view->message_at_start, "%s", strata_last_error_message());
  strata_checkpoint* checkpoint = NULL;
  view->code = strata_checkpoint_open("/nonexistent/other-thread", &checkpoint);
  snprintf(view->own_message, sizeof view->own_message, "%s", strata_last_error_message());
  return NULL;
}

static void messages_are_kept_per_thread(void) {
  strata_checkpoint* checkpoint = NULL;
  CHECK_FAILS(strata_checkpoint_open("/nonexistent/main-thread", &checkpoint), STRATA_STATUS_UNAVAILABLE,
              "main-thread");
  thread_view view;
  memset(&view, 0, sizeof view);
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, fail_on_another_thread, &view) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(view.message_at_start[0] == '\0');
  CHECK(view.code == STRATA_STATUS_UNAVAILABLE && strstr(view.own_message, "other-thread") != NULL);
  CHECK(strstr(strata_last_error_message(), "main-thread") != NULL); /* untouched by the other */
  size_t length = 0;
  CHECK_OK(strata_byte_tokens_to_text(NULL, 0, NULL, 0, &length));
  CHECK(strata_last_error_message()[0] == '\0'); /* a success clears it */
  CHECK(strcmp(strata_status_code_name(STRATA_STATUS_INVALID_ARGUMENT), "invalid argument") == 0);
}

/* ---- Logging ------------------------------------------------------------------------- */

typedef struct log_seen {
  int debug_about_the_cache;
  int messages;
} log_seen;

static void collect_log(void* user_data, strata_log_level level, const char* message) {
  log_seen* seen = (log_seen*)user_data;
  ++seen->messages;
  if (level == STRATA_LOG_DEBUG && strstr(message, "/nonexistent/strata-cache") != NULL)
    seen->debug_about_the_cache = 1;
}

/* A runtime whose calibration cache folder does not exist: it says so at debug level. */
static void start_runtime_without_cache(void) {
  strata_runtime_options options;
  strata_runtime_options_init(&options, sizeof options);
  options.flags = STRATA_RUNTIME_NO_INSTALLED_PLUGINS | STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS;
  options.calibration_cache_dir = "/nonexistent/strata-cache";
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(&options, &runtime));
  strata_runtime_destroy(runtime);
}

static void the_log_reaches_the_callback_at_its_level(void) {
  log_seen seen = {0, 0};
  CHECK_OK(strata_set_log_callback(collect_log, &seen));
  CHECK_OK(strata_set_log_level(STRATA_LOG_DEBUG));
  CHECK(strata_get_log_level() == STRATA_LOG_DEBUG);
  start_runtime_without_cache();
  CHECK(seen.debug_about_the_cache);

  log_seen quiet = {0, 0};
  CHECK_OK(strata_set_log_callback(collect_log, &quiet));
  CHECK_OK(strata_set_log_level(STRATA_LOG_WARNING));
  start_runtime_without_cache();
  CHECK(quiet.messages == 0);

  CHECK_FAILS(strata_set_log_level(9), STRATA_STATUS_INVALID_ARGUMENT, "9 is not a strata_log_level");
  CHECK(strata_get_log_level() == STRATA_LOG_WARNING);
  CHECK_OK(strata_set_log_callback(NULL, NULL));
  CHECK_OK(strata_set_log_level(STRATA_LOG_DEBUG));
  start_runtime_without_cache(); /* to stderr again: the last callback hears nothing */
  CHECK(quiet.messages == 0);
}

int main(int argc, char** argv) {
  static const test_case cases[] = {
      {"a_bad_folder_is_unavailable", a_bad_folder_is_unavailable},
      {"an_unknown_device_is_an_invalid_argument", an_unknown_device_is_an_invalid_argument},
      {"a_bad_strategy_is_an_invalid_argument", a_bad_strategy_is_an_invalid_argument},
      {"null_arguments_name_the_function_and_the_argument", null_arguments_name_the_function_and_the_argument},
      {"generation_refuses_what_cannot_run", generation_refuses_what_cannot_run},
      {"versioned_structs_grow_at_the_end", versioned_structs_grow_at_the_end},
      {"buffers_too_small_are_refused_and_left_untouched", buffers_too_small_are_refused_and_left_untouched},
      {"messages_are_kept_per_thread", messages_are_kept_per_thread},
      {"the_log_reaches_the_callback_at_its_level", the_log_reaches_the_callback_at_its_level},
  };
  return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
