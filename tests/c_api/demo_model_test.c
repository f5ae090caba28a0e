/* The C API end to end, from C: list the devices, load the demo model, generate greedily through
 * the streaming callback and compare with what transformers generates (golden.json, through
 * golden_case.h). Built in the tree against the SDK, and again by the install test against an
 * installed prefix through pkg-config: STRATA_DEMO_MODEL_DIR names the model folder each time. */
#include <strata/strata.h>

#include "check.h"
#include "golden_case.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef STRATA_DEMO_MODEL_DIR
#error "STRATA_DEMO_MODEL_DIR names the demo model's folder"
#endif

static const char golden_prompt[] = STRATA_GOLDEN_PROMPT;
static const char golden_text[] = STRATA_GOLDEN_TEXT;
static const int32_t golden_ids[] = STRATA_GOLDEN_NEW_IDS;
enum { golden_count = STRATA_GOLDEN_NEW_TOKEN_COUNT, prompt_length = sizeof(golden_prompt) - 1 };

/* ---- Helpers ------------------------------------------------------------------------- */

typedef struct collected_tokens {
  int32_t tokens[golden_count];
  size_t count;
  size_t stop_after; /* the callback says stop once it has this many; 0: never */
} collected_tokens;

static int32_t collect_token(void* user_data, int32_t token) {
  collected_tokens* collected = (collected_tokens*)user_data;
  CHECK(collected->count < golden_count);
  collected->tokens[collected->count++] = token;
  return collected->stop_after == 0 || collected->count < collected->stop_after;
}

typedef struct load_seen {
  size_t calls;
  uint64_t last_bytes_done;
  uint64_t bytes_total;
  int went_back;
} load_seen;

static void watch_load(void* user_data, const strata_load_progress* progress) {
  load_seen* seen = (load_seen*)user_data;
  CHECK(progress->struct_size >= sizeof(strata_load_progress));
  CHECK(progress->parameter != NULL && progress->target != NULL);
  if (progress->bytes_done < seen->last_bytes_done) seen->went_back = 1;
  seen->last_bytes_done = progress->bytes_done;
  seen->bytes_total = progress->bytes_total;
  ++seen->calls;
}

static size_t prompt_tokens(int32_t* tokens) {
  size_t count = 0;
  CHECK_OK(strata_text_to_byte_tokens(golden_prompt, prompt_length, NULL, 0, &count));
  CHECK(count == prompt_length);
  CHECK_OK(strata_text_to_byte_tokens(golden_prompt, prompt_length, tokens, count, &count));
  return count;
}

/* A session over the demo model, placed by `plan_options` (NULL: "auto"). */
static strata_session* load_demo(strata_runtime* runtime, const strata_plan_options* plan_options, load_seen* seen) {
  strata_checkpoint* checkpoint = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR, &checkpoint));
  strata_plan* plan = NULL;
  CHECK_OK(strata_plan_create(runtime, checkpoint, plan_options, &plan));
  strata_session_options options;
  strata_session_options_init(&options, sizeof options);
  options.context_length = prompt_length + golden_count;
  if (seen != NULL) {
    options.on_progress = watch_load;
    options.user_data = seen;
  }
  strata_session* session = NULL;
  CHECK_OK(strata_session_create(runtime, checkpoint, plan, &options, &session));
  /* The session keeps what it needs: the plan and the checkpoint may go now. */
  strata_plan_destroy(plan);
  strata_checkpoint_destroy(checkpoint);
  return session;
}

/* Generates greedily after the golden prompt, the tokens through the callback. */
static strata_generation_result generate_golden(strata_session* session, collected_tokens* collected,
                                                const int32_t* stop_tokens, size_t stop_token_count) {
  int32_t prompt[prompt_length];
  const size_t count = prompt_tokens(prompt);
  strata_generate_options options;
  strata_generate_options_init(&options, sizeof options);
  CHECK(options.temperature == 0.0f); /* greedy by default */
  options.max_new_tokens = golden_count;
  options.on_token = collect_token;
  options.user_data = collected;
  options.stop_tokens = stop_tokens;
  options.stop_token_count = stop_token_count;
  strata_generation_result result;
  memset(&result, 0, sizeof result);
  result.struct_size = sizeof result;
  CHECK_OK(strata_generate(session, prompt, count, &options, &result));
  CHECK(result.struct_size == sizeof result);
  CHECK(result.prompt_tokens == (int64_t)count);
  CHECK(result.token_count == collected->count);
  CHECK(memcmp(result.tokens, collected->tokens, collected->count * sizeof(int32_t)) == 0);
  return result;
}

/* ---- Cases --------------------------------------------------------------------------- */

static void lists_devices(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  const size_t count = strata_runtime_device_count(runtime);
  CHECK(count >= 1);
  for (size_t i = 0; i < count; ++i) {
    strata_device_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    CHECK_OK(strata_runtime_device_info(runtime, i, &info));
    CHECK(info.struct_size == sizeof info);
    CHECK(info.name != NULL && info.name[0] != '\0');
    CHECK(strcmp(strata_device_kind_name(info.kind), "unknown") != 0);
    CHECK(info.dtypes & STRATA_DTYPE_BIT(STRATA_DTYPE_F32));
    size_t found = count;
    CHECK_OK(strata_runtime_find_device(runtime, info.name, &found));
    CHECK(found == i);
    printf("  %-10s %-5s %s (%s plugin)\n", info.name, strata_device_kind_name(info.kind), info.description,
           info.backend);
  }
  size_t cpu = count;
  CHECK_OK(strata_runtime_find_device(runtime, "cpu", &cpu));
  strata_device_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(strata_runtime_device_info(runtime, cpu, &info));
  CHECK(info.kind == STRATA_DEVICE_CPU && strcmp(info.backend, "cpu") == 0);
  CHECK(info.sharing == STRATA_SHARING_HOST_CORES);
  uint64_t free_bytes = 0, total_bytes = 0;
  CHECK_OK(strata_runtime_device_memory(runtime, cpu, &free_bytes, &total_bytes));
  CHECK(total_bytes != STRATA_MEMORY_UNKNOWN && total_bytes > 0);

  /* The plugin that gave the cpu device, with its packed ABI version. */
  int cpu_plugin_seen = 0;
  for (size_t i = 0; i < strata_runtime_plugin_count(runtime); ++i) {
    strata_plugin_info plugin;
    memset(&plugin, 0, sizeof plugin);
    plugin.struct_size = sizeof plugin;
    CHECK_OK(strata_runtime_plugin_info(runtime, i, &plugin));
    if (!plugin.loaded || strcmp(plugin.name, "cpu") != 0) continue;
    cpu_plugin_seen = 1;
    CHECK(STRATA_VERSION_MAJOR(plugin.abi_version) == STRATA_BACKEND_ABI_MAJOR);
    CHECK(plugin.device_count == 1 && plugin.reason[0] == '\0');
  }
  CHECK(cpu_plugin_seen);
  strata_runtime_destroy(runtime);
}

static void generates_the_golden_text(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  load_seen seen = {0, 0, 0, 0};
  strata_session* session = load_demo(runtime, NULL, &seen);
  CHECK(seen.calls > 0 && !seen.went_back);
  CHECK(seen.bytes_total > 0 && seen.last_bytes_done == seen.bytes_total);

  collected_tokens collected = {{0}, 0, 0};
  const strata_generation_result result = generate_golden(session, &collected, NULL, 0);
  CHECK(result.stop_reason == STRATA_STOP_MAX_NEW_TOKENS);
  CHECK(collected.count == golden_count);
  CHECK(memcmp(collected.tokens, golden_ids, sizeof golden_ids) == 0);

  size_t length = 0;
  CHECK_OK(strata_byte_tokens_to_text(collected.tokens, collected.count, NULL, 0, &length));
  CHECK(length == sizeof(golden_text) - 1);
  char text[sizeof golden_text];
  CHECK_OK(strata_byte_tokens_to_text(collected.tokens, collected.count, text, sizeof text, &length));
  printf("  %s|%s\n", golden_prompt, text);
  CHECK(strcmp(text, golden_text) == 0);
  CHECK(strata_session_position(session) == prompt_length + golden_count - 1);
  strata_session_destroy(session);
  strata_runtime_destroy(runtime);
}

static void the_callback_and_stop_tokens_end_generation(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  strata_session* session = load_demo(runtime, NULL, NULL);

  collected_tokens stopped = {{0}, 0, 5};
  strata_generation_result result = generate_golden(session, &stopped, NULL, 0);
  CHECK(result.stop_reason == STRATA_STOP_CALLBACK && stopped.count == 5);
  CHECK(memcmp(stopped.tokens, golden_ids, 5 * sizeof(int32_t)) == 0);
  CHECK(strcmp(strata_stop_reason_name(result.stop_reason), "callback") == 0);

  /* The third golden token as a stop token: generation ends right after emitting it. */
  CHECK_OK(strata_session_reset(session, 0));
  collected_tokens until_stop = {{0}, 0, 0};
  result = generate_golden(session, &until_stop, &golden_ids[2], 1);
  CHECK(result.stop_reason == STRATA_STOP_STOP_TOKEN && until_stop.count == 3);
  strata_session_destroy(session);
  strata_runtime_destroy(runtime);
}

static void a_device_map_places_the_units(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  strata_plan_options plan_options;
  strata_plan_options_init(&plan_options, sizeof plan_options);
  plan_options.device_map_json = "{\"\": \"cpu\", \"model.layers.1\": \"disk\"}";
  strata_session* session = load_demo(runtime, &plan_options, NULL);

  int disk_seen = 0;
  for (size_t i = 0; i < strata_session_placement_count(session); ++i) {
    strata_target_placement target;
    memset(&target, 0, sizeof target);
    target.struct_size = sizeof target;
    CHECK_OK(strata_session_placement(session, i, &target));
    if (strcmp(target.target, "disk") != 0) continue;
    disk_seen = 1;
    CHECK(strcmp(target.device, "cpu") == 0 && target.mapped_bytes > 0);
    CHECK(target.unit_count == 1 && strcmp(target.units[0], "model.layers.1") == 0);
  }
  CHECK(disk_seen);
  collected_tokens collected = {{0}, 0, 0};
  generate_golden(session, &collected, NULL, 0);
  CHECK(memcmp(collected.tokens, golden_ids, sizeof golden_ids) == 0);
  strata_session_destroy(session);
  strata_runtime_destroy(runtime);
}

static void a_session_outlives_its_runtime(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  strata_session* session = load_demo(runtime, NULL, NULL);
  strata_runtime_destroy(runtime);
  collected_tokens collected = {{0}, 0, 0};
  generate_golden(session, &collected, NULL, 0);
  CHECK(memcmp(collected.tokens, golden_ids, sizeof golden_ids) == 0);
  strata_session_destroy(session);
}

static void forward_gives_the_logits(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  strata_session* session = load_demo(runtime, NULL, NULL);
  int32_t prompt[prompt_length];
  const size_t count = prompt_tokens(prompt);

  size_t needed = 0;
  CHECK_OK(strata_session_forward(session, prompt, count, STRATA_LOGITS_LAST, NULL, 0, &needed));
  CHECK(strata_session_position(session) == 0); /* a size query runs nothing */
  float logits[256];
  CHECK(needed == sizeof logits / sizeof logits[0]);
  size_t written = 0;
  CHECK_OK(strata_session_forward(session, prompt, count, STRATA_LOGITS_LAST, logits, needed, &written));
  CHECK(written == needed && strata_session_position(session) == (int64_t)count);
  size_t best = 0;
  for (size_t i = 1; i < written; ++i)
    if (logits[i] > logits[best]) best = i;
  CHECK((int32_t)best == golden_ids[0]);
  strata_session_destroy(session);
  strata_runtime_destroy(runtime);
}

/* C API 1.1: a load cancelled before it starts fails and leaves nothing; once reset, the same
 * token lets a session load; cancelled again, a forward pass fails with the session where it was,
 * and a generation ends at once with STRATA_STOP_CANCELLED. */
static void a_cancel_token_stops_the_load_the_forward_pass_and_generation(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  strata_checkpoint* checkpoint = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR, &checkpoint));
  strata_plan* plan = NULL;
  CHECK_OK(strata_plan_create(runtime, checkpoint, NULL, &plan));
  strata_cancel_token* cancel = NULL;
  CHECK_OK(strata_cancel_token_create(&cancel));
  strata_session_options options;
  strata_session_options_init(&options, sizeof options);
  CHECK(options.cancel == NULL);
  options.context_length = prompt_length + golden_count;
  options.cancel = cancel;

  strata_cancel_token_cancel(cancel);
  CHECK(strata_cancel_token_is_cancelled(cancel) == 1);
  strata_session* session = NULL;
  CHECK_FAILS(strata_session_create(runtime, checkpoint, plan, &options, &session), STRATA_STATUS_CANCELLED,
              "loading was cancelled");
  CHECK(session == NULL);
  CHECK(strcmp(strata_status_code_name(STRATA_STATUS_CANCELLED), "cancelled") == 0);

  strata_cancel_token_reset(cancel);
  CHECK_OK(strata_session_create(runtime, checkpoint, plan, &options, &session));
  strata_cancel_token_destroy(cancel); /* the session keeps the flag it was made with */
  int32_t prompt[prompt_length];
  const size_t count = prompt_tokens(prompt);
  float logits[256];
  size_t written = 0;
  CHECK_OK(strata_session_forward(session, prompt, 1, STRATA_LOGITS_LAST, logits, 256, &written));
  CHECK(strata_session_position(session) == 1);
  strata_session_destroy(session);

  /* A token kept alive: cancelled between calls, the next forward pass and generation stop. */
  CHECK_OK(strata_cancel_token_create(&cancel));
  options.cancel = cancel;
  CHECK_OK(strata_session_create(runtime, checkpoint, plan, &options, &session));
  CHECK_OK(strata_session_forward(session, prompt, 1, STRATA_LOGITS_LAST, logits, 256, &written));
  strata_cancel_token_cancel(cancel);
  CHECK_FAILS(strata_session_forward(session, prompt + 1, 1, STRATA_LOGITS_LAST, logits, 256, &written),
              STRATA_STATUS_CANCELLED, "was cancelled");
  CHECK(strata_session_position(session) == 1);
  strata_generation_result result;
  memset(&result, 0, sizeof result);
  result.struct_size = sizeof result;
  CHECK_OK(strata_generate(session, prompt + 1, count - 1, NULL, &result));
  CHECK(result.stop_reason == STRATA_STOP_CANCELLED && result.token_count == 0);
  CHECK(strcmp(strata_stop_reason_name(STRATA_STOP_CANCELLED), "cancelled") == 0);
  strata_cancel_token_reset(cancel);
  CHECK_OK(strata_session_forward(session, prompt + 1, 1, STRATA_LOGITS_LAST, logits, 256, &written));
  CHECK(strata_session_position(session) == 2);

  strata_session_destroy(session);
  strata_cancel_token_destroy(cancel);
  strata_plan_destroy(plan);
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
}

/* Run with STRATA_SIM_DEVICES naming two simulated GPUs: a device map's integers and "cuda:N" are
 * GPU ordinals, the runtime's accelerators in order, as transformers numbers CUDA devices. */
static void gpu_ordinals_in_a_device_map_are_the_accelerators(void) {
  strata_runtime* runtime = NULL;
  CHECK_OK(strata_runtime_create(NULL, &runtime));
  size_t sim = 0;
  CHECK_OK(strata_runtime_find_device(runtime, "sim:1", &sim));
  strata_checkpoint* checkpoint = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR, &checkpoint));
  strata_plan_options options;
  strata_plan_options_init(&options, sizeof options);
  options.device_map_json = "{\"model.embed_tokens\": 0, \"lm_head\": \"cuda:1\", \"\": \"cpu\"}";
  strata_plan* plan = NULL;
  CHECK_OK(strata_plan_create(runtime, checkpoint, &options, &plan));
  const size_t last = strata_plan_target_count(plan) - 1;
  CHECK(strcmp(strata_plan_target(plan, 0), "sim:0") == 0);
  CHECK(strcmp(strata_plan_target(plan, 1), "cpu") == 0);
  CHECK(strcmp(strata_plan_target(plan, last), "sim:1") == 0);
  strata_plan_destroy(plan);

  options.device_map_json = "{\"\": 2}";
  CHECK_FAILS(strata_plan_create(runtime, checkpoint, &options, &plan), STRATA_STATUS_INVALID_ARGUMENT,
              "names GPU 2, but the GPUs are sim:0, sim:1");
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
}

int main(int argc, char** argv) {
  static const test_case cases[] = {
      {"lists_devices", lists_devices},
      {"generates_the_golden_text", generates_the_golden_text},
      {"the_callback_and_stop_tokens_end_generation", the_callback_and_stop_tokens_end_generation},
      {"a_device_map_places_the_units", a_device_map_places_the_units},
      {"a_session_outlives_its_runtime", a_session_outlives_its_runtime},
      {"forward_gives_the_logits", forward_gives_the_logits},
      {"gpu_ordinals_in_a_device_map_are_the_accelerators", gpu_ordinals_in_a_device_map_are_the_accelerators},
      {"a_cancel_token_stops_the_load_the_forward_pass_and_generation",
       a_cancel_token_stops_the_load_the_forward_pass_and_generation},
  };
  return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
