/* C API 1.2 and 1.3 from C: a model loaded once and shared by the sessions made from it, and a
 * session of several sequences whose next tokens run in one batched step (strata_session_decode),
 * each row what the sequence would get alone, in micro-batches too. On the demo model, on the CPU. */
#include <strata/strata.h>

#include "check.h"
#include "golden_case.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef STRATA_DEMO_MODEL_DIR
#error "STRATA_DEMO_MODEL_DIR names the demo model's folder"
#endif

static const char golden_prompt[] = STRATA_GOLDEN_PROMPT;
static const int32_t golden_ids[] = STRATA_GOLDEN_NEW_IDS;
enum {
  golden_count = STRATA_GOLDEN_NEW_TOKEN_COUNT,
  prompt_length = sizeof(golden_prompt) - 1,
  vocab = 256, /* the demo model's: the byte values */
  context = 128,
  sequence_count = 3
};

/* One prompt per sequence, of different lengths: the sequences decode from different positions. */
static const char* const prompts[sequence_count] = {"class Foo", "def parse(self, text", "import os\n"};

/* ---- Helpers ------------------------------------------------------------------------- */

typedef struct demo {
  strata_runtime* runtime;
  strata_checkpoint* checkpoint;
  strata_plan* plan;
} demo;

/* The demo model, every unit on the CPU. */
static demo open_demo(void) {
  demo opened = {NULL, NULL, NULL};
  strata_runtime_options runtime_options;
  strata_runtime_options_init(&runtime_options, sizeof runtime_options);
  runtime_options.flags = STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS;
  CHECK_OK(strata_runtime_create(&runtime_options, &opened.runtime));
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR, &opened.checkpoint));
  strata_plan_options plan_options;
  strata_plan_options_init(&plan_options, sizeof plan_options);
  plan_options.strategy = "cpu";
  plan_options.context_length = context;
  CHECK_OK(strata_plan_create(opened.runtime, opened.checkpoint, &plan_options, &opened.plan));
  return opened;
}

static void close_demo(demo* opened) {
  strata_plan_destroy(opened->plan);
  strata_checkpoint_destroy(opened->checkpoint);
  strata_runtime_destroy(opened->runtime);
  opened->plan = NULL;
  opened->checkpoint = NULL;
  opened->runtime = NULL;
}

static strata_model* load_model(const demo* opened) {
  strata_model* model = NULL;
  CHECK_OK(strata_model_load(opened->runtime, opened->checkpoint, opened->plan, NULL, &model));
  CHECK(model != NULL);
  return model;
}

static strata_session_options options_with(int64_t sequences) {
  strata_session_options options;
  strata_session_options_init(&options, sizeof options);
  CHECK(options.struct_size == sizeof options && options.sequences == 1);
  options.context_length = context;
  options.sequences = sequences;
  return options;
}

static strata_session* session_from(const strata_model* model, int64_t sequences) {
  const strata_session_options options = options_with(sequences);
  strata_session* session = NULL;
  CHECK_OK(strata_session_create_from_model(model, &options, &session));
  CHECK(strata_session_sequences(session) == sequences);
  CHECK(strata_session_context_length(session) == context);
  return session;
}

static size_t tokens_of(const char* text, int32_t* tokens) {
  size_t count = 0;
  CHECK_OK(strata_text_to_byte_tokens(text, strlen(text), tokens, context, &count));
  return count;
}

/* The last token's logits of `text`, run after what `sequence` holds. */
static void forward_text(strata_session* session, int64_t sequence, const char* text, float* logits) {
  int32_t tokens[context];
  const size_t count = tokens_of(text, tokens);
  size_t written = 0;
  CHECK_OK(
      strata_session_forward_sequence(session, sequence, tokens, count, STRATA_LOGITS_LAST, logits, vocab, &written));
  CHECK(written == vocab);
}

static int32_t argmax(const float* logits) {
  int32_t best = 0;
  for (int32_t i = 1; i < vocab; ++i)
    if (logits[i] > logits[best]) best = i;
  return best;
}

/* The same logits within `tolerance` (absolute), and the same likeliest token. */
static void check_close(const float* got, const float* expected, float tolerance, const char* what) {
  float worst = 0.0f;
  for (size_t i = 0; i < vocab; ++i) {
    const float difference = got[i] > expected[i] ? got[i] - expected[i] : expected[i] - got[i];
    if (!(difference <= worst)) worst = difference; /* a NaN counts as the worst */
  }
  if (!(worst <= tolerance) || argmax(got) != argmax(expected)) {
    fprintf(stderr, "%s: logits differ by up to %g (tolerance %g); argmax %d, expected %d\n", what, (double)worst,
            (double)tolerance, argmax(got), argmax(expected));
    exit(1);
  }
}

static int64_t position_of(const strata_session* session, int64_t sequence) {
  int64_t position = -1;
  CHECK_OK(strata_session_sequence_position(session, sequence, &position));
  return position;
}

/* Every sequence where `expected` says. */
static void check_positions(const strata_session* session, const int64_t* expected) {
  for (int64_t s = 0; s < sequence_count; ++s) {
    const int64_t position = position_of(session, s);
    if (position != expected[s]) {
      fprintf(stderr, "sequence %lld is at %lld, expected %lld\n", (long long)s, (long long)position,
              (long long)expected[s]);
      exit(1);
    }
  }
}

static void fill(float* values, size_t count, float value) {
  for (size_t i = 0; i < count; ++i) values[i] = value;
}

static int all_equal(const float* values, size_t count, float value) {
  for (size_t i = 0; i < count; ++i)
    if (values[i] != value) return 0;
  return 1;
}

static void count_progress(void* user_data, const strata_load_progress* progress) {
  CHECK(progress->parameter != NULL && progress->target != NULL);
  ++*(size_t*)user_data;
}

static uint64_t weight_bytes(const strata_session* session) {
  uint64_t total = 0;
  for (size_t i = 0; i < strata_session_placement_count(session); ++i) {
    strata_target_placement target;
    memset(&target, 0, sizeof target);
    target.struct_size = sizeof target;
    CHECK_OK(strata_session_placement(session, i, &target));
    CHECK(target.kv_bytes > 0);
    total += target.weight_bytes;
  }
  return total;
}

/* ---- Cases --------------------------------------------------------------------------- */

static void sessions_made_from_one_model_match_a_session_that_loads(void) {
  demo opened = open_demo();
  const strata_session_options options = options_with(1);
  strata_session* loaded_alone = NULL;
  CHECK_OK(strata_session_create(opened.runtime, opened.checkpoint, opened.plan, &options, &loaded_alone));
  float expected[vocab];
  forward_text(loaded_alone, 0, prompts[1], expected);

  /* The load reports its progress through the options; the sessions made from it load nothing. */
  size_t progress_calls = 0;
  strata_session_options load_options = options;
  load_options.on_progress = count_progress;
  load_options.user_data = &progress_calls;
  strata_model* model = NULL;
  CHECK_OK(strata_model_load(opened.runtime, opened.checkpoint, opened.plan, &load_options, &model));
  CHECK(progress_calls > 0);
  const size_t calls_after_load = progress_calls;
  strata_session* first = NULL;
  strata_session* second = NULL;
  CHECK_OK(strata_session_create_from_model(model, &load_options, &first));
  CHECK_OK(strata_session_create_from_model(model, &options, &second));
  CHECK(progress_calls == calls_after_load);
  CHECK(strata_session_sequences(first) == 1 && strata_session_context_length(first) == context);
  CHECK(weight_bytes(first) == weight_bytes(loaded_alone) && weight_bytes(second) == weight_bytes(first));

  float got[vocab];
  forward_text(first, 0, prompts[1], got);
  check_close(got, expected, 1e-5f, "first session of the model");
  forward_text(second, 0, prompts[1], got);
  check_close(got, expected, 1e-5f, "second session of the model");

  /* Each session has caches of its own: one runs further, the other stays where it was. */
  const int32_t more = ')';
  size_t written = 0;
  CHECK_OK(strata_session_forward(first, &more, 1, STRATA_LOGITS_LAST, got, vocab, &written));
  CHECK(strata_session_position(first) == (int64_t)strlen(prompts[1]) + 1);
  CHECK(strata_session_position(second) == (int64_t)strlen(prompts[1]));
  CHECK_OK(strata_session_forward(second, &more, 1, STRATA_LOGITS_LAST, expected, vocab, &written));
  check_close(got, expected, 1e-5f, "the next token in each session");

  /* A session made with NULL options: the defaults (one sequence, the model's whole context). */
  strata_session* defaults = NULL;
  CHECK_OK(strata_session_create_from_model(model, NULL, &defaults));
  CHECK(strata_session_sequences(defaults) == 1 && strata_session_context_length(defaults) > context);

  strata_session_destroy(defaults);
  strata_session_destroy(second);
  strata_session_destroy(first);
  strata_model_destroy(model);
  strata_session_destroy(loaded_alone);
  close_demo(&opened);
}

static void sessions_outlive_their_model(void) {
  demo opened = open_demo();
  strata_model* model = load_model(&opened);
  strata_session* sessions[2] = {session_from(model, 1), session_from(model, 1)};
  /* The sessions keep the weights: the model, the plan, the checkpoint and the runtime may go. */
  strata_model_destroy(model);
  close_demo(&opened);

  int32_t prompt[prompt_length];
  size_t count = 0;
  CHECK_OK(strata_text_to_byte_tokens(golden_prompt, prompt_length, prompt, prompt_length, &count));
  for (size_t i = 0; i < 2; ++i) {
    strata_generate_options options;
    strata_generate_options_init(&options, sizeof options);
    options.max_new_tokens = golden_count;
    strata_generation_result result;
    memset(&result, 0, sizeof result);
    result.struct_size = sizeof result;
    CHECK_OK(strata_generate(sessions[i], prompt, count, &options, &result));
    CHECK(result.token_count == golden_count);
    CHECK(memcmp(result.tokens, golden_ids, sizeof golden_ids) == 0);
  }
  strata_session_destroy(sessions[0]);
  strata_session_destroy(sessions[1]);
}

static void a_cancel_token_stops_the_model_load_and_its_sessions(void) {
  demo opened = open_demo();
  strata_cancel_token* cancel = NULL;
  CHECK_OK(strata_cancel_token_create(&cancel));
  strata_session_options options = options_with(2);
  options.cancel = cancel;
  strata_cancel_token_cancel(cancel);
  strata_model* model = NULL;
  CHECK_FAILS(strata_model_load(opened.runtime, opened.checkpoint, opened.plan, &options, &model),
              STRATA_STATUS_CANCELLED, "loading was cancelled");
  CHECK(model == NULL);

  strata_cancel_token_reset(cancel);
  CHECK_OK(strata_model_load(opened.runtime, opened.checkpoint, opened.plan, &options, &model));
  strata_session* session = NULL;
  CHECK_OK(strata_session_create_from_model(model, &options, &session));
  strata_cancel_token_cancel(cancel);
  const int32_t tokens[] = {'a', 'b'};
  const int64_t both[] = {0, 1};
  float logits[2 * vocab];
  size_t written = 0;
  CHECK_FAILS(strata_session_forward_sequence(session, 1, tokens, 2, STRATA_LOGITS_LAST, logits, vocab, &written),
              STRATA_STATUS_CANCELLED, "was cancelled");
  CHECK_FAILS(strata_session_decode(session, both, tokens, 2, logits, 2 * vocab, &written), STRATA_STATUS_CANCELLED,
              "was cancelled");
  CHECK(position_of(session, 0) == 0 && position_of(session, 1) == 0);
  strata_cancel_token_reset(cancel);
  CHECK_OK(strata_session_decode(session, both, tokens, 2, logits, 2 * vocab, &written));
  CHECK(written == 2 * vocab && position_of(session, 0) == 1 && position_of(session, 1) == 1);

  strata_session_destroy(session);
  strata_model_destroy(model);
  strata_cancel_token_destroy(cancel);
  close_demo(&opened);
}

static void decode_gives_each_sequence_the_logits_it_would_get_alone(void) {
  demo opened = open_demo();
  strata_model* model = load_model(&opened);
  close_demo(&opened);
  strata_session* batched = session_from(model, sequence_count);
  strata_session* alone = session_from(model, sequence_count); /* run one sequence at a time */

  float prompt_logits[sequence_count][vocab];
  int32_t next[sequence_count];
  int64_t positions[sequence_count];
  for (int64_t s = 0; s < sequence_count; ++s) {
    float logits[vocab];
    forward_text(batched, s, prompts[s], logits);
    forward_text(alone, s, prompts[s], prompt_logits[s]);
    check_close(logits, prompt_logits[s], 1e-5f, "a prompt");
    next[s] = argmax(logits);
    positions[s] = (int64_t)strlen(prompts[s]);
  }
  check_positions(batched, positions);

  /* Greedy steps of all three, listed in another order than their numbers. */
  const int64_t order[sequence_count] = {2, 0, 1};
  for (int step = 0; step < 4; ++step) {
    int32_t tokens[sequence_count];
    for (size_t i = 0; i < sequence_count; ++i) tokens[i] = next[order[i]];
    size_t needed = 0;
    CHECK_OK(strata_session_decode(batched, order, tokens, sequence_count, NULL, 0, &needed));
    CHECK(needed == sequence_count * vocab);
    check_positions(batched, positions); /* a size query runs nothing */
    float rows[sequence_count * vocab];
    size_t written = 0;
    CHECK_OK(strata_session_decode(batched, order, tokens, sequence_count, rows, needed, &written));
    CHECK(written == needed);
    for (size_t i = 0; i < sequence_count; ++i) {
      const int64_t s = order[i];
      float expected[vocab];
      CHECK_OK(strata_session_forward_sequence(alone, s, &tokens[i], 1, STRATA_LOGITS_LAST, expected, vocab, &written));
      check_close(&rows[i * vocab], expected, 2e-3f, "a batched decode row");
      next[s] = argmax(expected);
      ++positions[s];
    }
    check_positions(batched, positions);
  }

  /* A subset: sequence 1 alone; the others stay where they are. */
  const int64_t only_one[] = {1};
  float row[vocab];
  float expected[vocab];
  size_t written = 0;
  CHECK_OK(strata_session_decode(batched, only_one, &next[1], 1, row, vocab, &written));
  CHECK(written == vocab);
  CHECK_OK(strata_session_forward_sequence(alone, 1, &next[1], 1, STRATA_LOGITS_LAST, expected, vocab, &written));
  check_close(row, expected, 2e-3f, "a decode of one sequence");
  ++positions[1];
  check_positions(batched, positions);

  /* A finished sequence starts over with another prompt, beside the others. */
  CHECK_OK(strata_session_reset_sequence(batched, 2, 0));
  positions[2] = 0;
  check_positions(batched, positions);
  forward_text(batched, 2, prompts[0], row);
  check_close(row, prompt_logits[0], 2e-3f, "a sequence started over");

  strata_session_destroy(alone);
  strata_session_destroy(batched);
  strata_model_destroy(model);
}

static void bad_input_is_refused_and_moves_no_sequence(void) {
  demo opened = open_demo();
  strata_model* model = NULL;
  CHECK_FAILS(strata_model_load(NULL, opened.checkpoint, opened.plan, NULL, &model), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_model_load: `runtime` is NULL");
  CHECK_FAILS(strata_model_load(opened.runtime, opened.checkpoint, opened.plan, NULL, NULL),
              STRATA_STATUS_INVALID_ARGUMENT, "strata_model_load: `out_model` is NULL");
  strata_checkpoint* other = NULL;
  CHECK_OK(strata_checkpoint_open(STRATA_DEMO_MODEL_DIR "/../tiny-qwen2-random", &other));
  CHECK_FAILS(strata_model_load(opened.runtime, other, opened.plan, NULL, &model), STRATA_STATUS_INVALID_ARGUMENT,
              "made for another model");
  strata_checkpoint_destroy(other);
  CHECK(model == NULL);
  model = load_model(&opened);
  close_demo(&opened);

  strata_session* session = NULL;
  CHECK_FAILS(strata_session_create_from_model(NULL, NULL, &session), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_create_from_model: `model` is NULL");
  strata_session_options options = options_with(-1);
  CHECK_FAILS(strata_session_create_from_model(model, &options, &session), STRATA_STATUS_INVALID_ARGUMENT,
              "sequences must be positive");
  CHECK(session == NULL);
  options = options_with(sequence_count);
  options.context_length = 8;
  CHECK_OK(strata_session_create_from_model(model, &options, &session));
  strata_model_destroy(NULL);
  CHECK(strata_session_sequences(NULL) == 0);

  /* Sequence 0 holds 2 tokens, sequence 1 holds 1, sequence 2 the whole context (8). */
  const int32_t text[] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
  float logits[sequence_count * vocab];
  size_t written = 0;
  CHECK_OK(strata_session_forward_sequence(session, 0, text, 2, STRATA_LOGITS_LAST, logits, vocab, &written));
  CHECK_OK(strata_session_forward_sequence(session, 1, text, 1, STRATA_LOGITS_LAST, logits, vocab, &written));
  CHECK_OK(strata_session_forward_sequence(session, 2, text, 8, STRATA_LOGITS_LAST, logits, vocab, &written));
  const int64_t positions[sequence_count] = {2, 1, 8};
  check_positions(session, positions);

  const float untouched = -7.0f;
  fill(logits, sequence_count * vocab, untouched);
  written = 99;
  const int32_t tokens[] = {'x', 'y', 'z'};
  const int64_t twice[] = {0, 1, 0};
  CHECK_FAILS(strata_session_decode(session, twice, tokens, 3, logits, 3 * vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_decode: `sequences[0]` and `sequences[2]` are both 0: list each sequence at most once");
  const int64_t past_the_last[] = {1, 3};
  CHECK_FAILS(strata_session_decode(session, past_the_last, tokens, 2, logits, 2 * vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "`sequences[1]` is 3, outside 0..2: the session holds 3 sequences");
  const int64_t negative[] = {-1};
  CHECK_FAILS(strata_session_decode(session, negative, tokens, 1, NULL, 0, &written), STRATA_STATUS_INVALID_ARGUMENT,
              "`sequences[0]` is -1");
  const int64_t first_two[] = {0, 1};
  CHECK_FAILS(strata_session_decode(session, NULL, tokens, 1, logits, vocab, &written), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_decode: `sequences` is NULL");
  CHECK_FAILS(strata_session_decode(session, first_two, NULL, 2, logits, 2 * vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "strata_session_decode: `tokens` is NULL");
  CHECK_FAILS(strata_session_decode(session, first_two, tokens, 2, logits, 2 * vocab, NULL),
              STRATA_STATUS_INVALID_ARGUMENT, "strata_session_decode: `out_count` is NULL");
  CHECK_FAILS(strata_session_decode(NULL, first_two, tokens, 2, logits, 2 * vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "strata_session_decode: `session` is NULL");
  CHECK_FAILS(strata_session_decode(session, first_two, tokens, 2, logits, 2 * vocab - 1, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "out_logits holds 511 floats; the logits of 2 sequences need 512");
  const int32_t not_a_byte[] = {'x', 256};
  CHECK_FAILS(strata_session_decode(session, first_two, not_a_byte, 2, logits, 2 * vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "token 256 at index 1 is outside the vocabulary");
  const int64_t with_the_full_one[] = {0, 2};
  CHECK_FAILS(strata_session_decode(session, with_the_full_one, tokens, 2, logits, 2 * vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "sequence 2 holds 8 tokens, the whole context");
  CHECK(all_equal(logits, sequence_count * vocab, untouched) && written == 99);
  check_positions(session, positions);

  /* The functions of one sequence refuse a sequence the session does not hold. */
  CHECK_FAILS(strata_session_forward_sequence(session, 3, tokens, 1, STRATA_LOGITS_LAST, logits, vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_forward_sequence: `sequence` is 3, outside 0..2: the session holds 3 sequences");
  CHECK_FAILS(strata_session_forward_sequence(session, 0, tokens, 1, STRATA_LOGITS_LAST, logits, vocab - 1, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "out_logits holds 255 floats");
  CHECK_FAILS(strata_session_forward_sequence(session, 2, tokens, 1, STRATA_LOGITS_LAST, logits, vocab, &written),
              STRATA_STATUS_INVALID_ARGUMENT, "the context holds 8 tokens");
  int64_t position = 42;
  CHECK_FAILS(strata_session_sequence_position(session, -1, &position), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_sequence_position: `sequence` is -1");
  CHECK_FAILS(strata_session_sequence_position(session, 0, NULL), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_sequence_position: `out_position` is NULL");
  CHECK(position == 42);
  CHECK_FAILS(strata_session_reset_sequence(session, 5, 0), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_session_reset_sequence: `sequence` is 5");
  CHECK_FAILS(strata_session_reset_sequence(session, 1, 4), STRATA_STATUS_INVALID_ARGUMENT, "outside 0..1");
  CHECK(all_equal(logits, sequence_count * vocab, untouched) && written == 99);
  check_positions(session, positions);

  /* Once the full sequence starts over, the same decode runs. */
  CHECK_OK(strata_session_reset_sequence(session, 2, 0));
  CHECK_OK(strata_session_decode(session, with_the_full_one, tokens, 2, logits, 2 * vocab, &written));
  CHECK(written == 2 * vocab && position_of(session, 0) == 3 && position_of(session, 2) == 1);

  strata_session_destroy(session);
  strata_model_destroy(model);
}

/* What a program built against an older header passes: a struct that ends before `sequences`
 * (1.1) or before `cancel` (1.0), followed here by bytes it does not own. */
typedef union older_session_options {
  strata_session_options options;
  unsigned char bytes[sizeof(strata_session_options)];
} older_session_options;

static older_session_options older_options(size_t size) {
  older_session_options older;
  memset(&older, 0xAB, sizeof older);
  strata_session_options_init(&older.options, size);
  for (size_t i = size; i < sizeof older; ++i) CHECK(older.bytes[i] == 0xAB); /* init writes nothing past it */
  CHECK(older.options.struct_size == size);
  older.options.context_length = context;
  return older;
}

static void older_sized_session_options_still_work(void) {
  demo opened = open_demo();
  strata_model* model = load_model(&opened);
  strata_session* current = session_from(model, 1);
  float expected[vocab];
  forward_text(current, 0, prompts[0], expected);

  const size_t sizes[] = {offsetof(strata_session_options, micro_batches), offsetof(strata_session_options, sequences),
                          offsetof(strata_session_options, cancel)};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
    const older_session_options older = older_options(sizes[i]);
    /* The bytes past struct_size are not read: the sessions hold the default, one sequence (a 1.2
     * struct's own sequence count is init's default, 1). */
    strata_session* from_model = NULL;
    CHECK_OK(strata_session_create_from_model(model, &older.options, &from_model));
    strata_session* loaded = NULL;
    CHECK_OK(strata_session_create(opened.runtime, opened.checkpoint, opened.plan, &older.options, &loaded));
    strata_model* also_loaded = NULL;
    CHECK_OK(strata_model_load(opened.runtime, opened.checkpoint, opened.plan, &older.options, &also_loaded));
    strata_session* sessions[] = {from_model, loaded};
    for (size_t j = 0; j < 2; ++j) {
      CHECK(strata_session_sequences(sessions[j]) == 1);
      CHECK(strata_session_context_length(sessions[j]) == context);
      float got[vocab];
      forward_text(sessions[j], 0, prompts[0], got);
      check_close(got, expected, 1e-5f, "a session made with an older struct");
      strata_session_destroy(sessions[j]);
    }
    strata_model_destroy(also_loaded);
  }

  strata_session_destroy(current);
  strata_model_destroy(model);
  close_demo(&opened);
}

/* 1.3: micro_batches reaches the session. Negative is refused, naming the field; 0 is the default;
 * with 2 the sequences get the logits they get with 1 (the demo plan keeps every unit on the CPU,
 * so the steps run one after another; tests/integration has the pipelined placements). */
static void micro_batches_reach_the_session(void) {
  demo opened = open_demo();
  strata_model* model = load_model(&opened);
  strata_session_options options = options_with(sequence_count);
  CHECK(options.micro_batches == 1);
  options.micro_batches = -1;
  strata_session* refused = NULL;
  CHECK(strata_session_create_from_model(model, &options, &refused) == STRATA_STATUS_INVALID_ARGUMENT);
  CHECK(refused == NULL);
  CHECK(strstr(strata_last_error_message(), "micro_batches") != NULL);

  float logits[2][sequence_count * vocab];
  const int64_t micro_batches[2] = {1, 2};
  for (int run = 0; run < 2; ++run) {
    options.micro_batches = micro_batches[run];
    strata_session* session = NULL;
    CHECK_OK(strata_session_create_from_model(model, &options, &session));
    int64_t sequences[sequence_count];
    int32_t next[sequence_count];
    for (int64_t s = 0; s < sequence_count; ++s) {
      float first[vocab];
      forward_text(session, s, prompts[s], first);
      sequences[s] = s;
      next[s] = argmax(first);
    }
    size_t count = 0;
    CHECK_OK(
        strata_session_decode(session, sequences, next, sequence_count, logits[run], sequence_count * vocab, &count));
    CHECK(count == (size_t)sequence_count * vocab);
    strata_session_destroy(session);
  }
  check_close(logits[1], logits[0], 1e-5f, "two micro-batches");
  strata_model_destroy(model);
  close_demo(&opened);
}

int main(int argc, char** argv) {
  static const test_case cases[] = {
      {"sessions_made_from_one_model_match_a_session_that_loads",
       sessions_made_from_one_model_match_a_session_that_loads},
      {"sessions_outlive_their_model", sessions_outlive_their_model},
      {"a_cancel_token_stops_the_model_load_and_its_sessions", a_cancel_token_stops_the_model_load_and_its_sessions},
      {"decode_gives_each_sequence_the_logits_it_would_get_alone",
       decode_gives_each_sequence_the_logits_it_would_get_alone},
      {"bad_input_is_refused_and_moves_no_sequence", bad_input_is_refused_and_moves_no_sequence},
      {"older_sized_session_options_still_work", older_sized_session_options_still_work},
      {"micro_batches_reach_the_session", micro_batches_reach_the_session},
  };
  return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
