/* Strata from C: open a checkpoint, place it on this machine's devices, load it, and stream
 * what it generates. The same path as samples/embed/main.cpp, through <strata/strata.h>.
 *
 *   strata_embed_c_example [CHECKPOINT_DIR]
 */
#include <strata/strata.h>

#include <stdio.h>
#include <string.h>

/* Called with each new token as it is chosen: the demo model's tokens are bytes. */
static int32_t print_token(void* user_data, int32_t token) {
  (void)user_data;
  putchar(token);
  fflush(stdout);
  return 1; /* 0 would stop the generation here */
}

/* Every call returns a status; the message is kept for the calling thread. */
static int failed(strata_status_code code, const char* what) {
  if (code == STRATA_STATUS_OK) return 0;
  fprintf(stderr, "%s: %s: %s\n", what, strata_status_code_name(code), strata_last_error_message());
  return 1;
}

int main(int argc, char** argv) {
  const char* model_dir = argc > 1 ? argv[1] : STRATA_EMBED_DEFAULT_MODEL;
  const char prompt_text[] = "class Point:\n    def __init__(self";
  strata_runtime* runtime = NULL;
  strata_checkpoint* checkpoint = NULL;
  strata_plan* plan = NULL;
  strata_session* session = NULL;
  int status = 1;

  if (failed(strata_runtime_create(NULL, &runtime), "runtime")) goto done;
  for (size_t i = 0; i < strata_runtime_device_count(runtime); ++i) {
    strata_device_info device = {.struct_size = sizeof device};
    if (failed(strata_runtime_device_info(runtime, i, &device), "device")) goto done;
    printf("%-10s %s\n", device.name, device.description);
  }
  if (failed(strata_checkpoint_open(model_dir, &checkpoint), "checkpoint")) goto done;

  /* Spread the units over the devices (as device_map="auto"), for a context of 256 tokens. */
  strata_plan_options plan_options;
  strata_plan_options_init(&plan_options, sizeof plan_options);
  plan_options.strategy = "auto";
  plan_options.context_length = 256;
  if (failed(strata_plan_create(runtime, checkpoint, &plan_options, &plan), "plan")) goto done;
  printf("device map: %s\n", strata_plan_device_map_json(plan));

  strata_session_options session_options;
  strata_session_options_init(&session_options, sizeof session_options);
  session_options.context_length = 256;
  if (failed(strata_session_create(runtime, checkpoint, plan, &session_options, &session), "load")) goto done;

  /* The demo model's vocabulary is the 256 byte values: one token per byte of the prompt. */
  int32_t prompt[sizeof prompt_text];
  size_t prompt_count = 0;
  if (failed(strata_text_to_byte_tokens(prompt_text, strlen(prompt_text), prompt, sizeof prompt_text, &prompt_count),
             "prompt"))
    goto done;
  strata_generate_options options;
  strata_generate_options_init(&options, sizeof options); /* the defaults: greedy, 64 tokens */
  options.max_new_tokens = 48;
  options.on_token = print_token;
  strata_generation_result result = {.struct_size = sizeof result};
  printf("%s", prompt_text);
  if (failed(strata_generate(session, prompt, prompt_count, &options, &result), "generate")) goto done;
  printf("\n[%zu tokens, %.0f tokens/s]\n", result.token_count,
         result.decode_seconds > 0 ? (double)result.decode_steps / result.decode_seconds : 0.0);
  status = 0;

done: /* destroy takes NULL */
  strata_session_destroy(session);
  strata_plan_destroy(plan);
  strata_checkpoint_destroy(checkpoint);
  strata_runtime_destroy(runtime);
  return status;
}
