/* Tokenizers through the C API (1.1), from C: Qwen3's and Llama 2's tokenizer.json give the ids
 * Hugging Face's tokenizers library gives (tests/data/tokenizers/reference, first corpus line),
 * decode gives the text back, and the size rules and errors hold. */
#include <strata/strata.h>

#include "check.h"

#include <stdint.h>
#include <string.h>

#ifndef STRATA_TOKENIZER_DATA_DIR
#error "STRATA_TOKENIZER_DATA_DIR names the folder of NAME/tokenizer.json"
#endif

static const char fox[] = "The quick brown fox jumps over the lazy dog.";
enum { fox_length = sizeof(fox) - 1 };

static strata_tokenizer* open_tokenizer(const char* name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s/tokenizer.json", STRATA_TOKENIZER_DATA_DIR, name);
  strata_tokenizer* tokenizer = NULL;
  CHECK_OK(strata_tokenizer_open(path, &tokenizer));
  return tokenizer;
}

static void encodes_as_hugging_face_and_decodes_back(void) {
  /* Hugging Face's ids for the line (reference/qwen3.json, line 0). */
  static const int32_t expected[] = {785, 3974, 13876, 38835, 34208, 916, 279, 15678, 5562, 13};
  enum { expected_count = sizeof expected / sizeof expected[0] };
  strata_tokenizer* tokenizer = open_tokenizer("qwen3");
  CHECK(strata_tokenizer_vocab_size(tokenizer) == 151669);

  size_t count = 0;
  CHECK_OK(strata_tokenizer_encode(tokenizer, fox, fox_length, 1, NULL, 0, &count));
  CHECK(count == expected_count);
  int32_t ids[expected_count];
  CHECK_FAILS(strata_tokenizer_encode(tokenizer, fox, fox_length, 1, ids, count - 1, &count),
              STRATA_STATUS_INVALID_ARGUMENT, "the text needs 10");
  CHECK_OK(strata_tokenizer_encode(tokenizer, fox, fox_length, 1, ids, expected_count, &count));
  CHECK(count == expected_count && memcmp(ids, expected, sizeof expected) == 0);

  size_t length = 0;
  CHECK_OK(strata_tokenizer_decode(tokenizer, ids, count, 0, NULL, 0, &length));
  CHECK(length == fox_length);
  char text[fox_length + 1];
  CHECK_OK(strata_tokenizer_decode(tokenizer, ids, count, 0, text, sizeof text, &length));
  CHECK(length == fox_length && strcmp(text, fox) == 0);
  strata_tokenizer_destroy(tokenizer);
}

static void special_tokens_follow_the_flags(void) {
  /* Llama 2's post-processor adds BOS (id 1) when asked; decode can drop it again. */
  strata_tokenizer* tokenizer = open_tokenizer("llama2");
  int32_t plain[64];
  int32_t special[64];
  size_t plain_count = 0;
  size_t special_count = 0;
  CHECK_OK(strata_tokenizer_encode(tokenizer, fox, fox_length, 0, plain, 64, &plain_count));
  CHECK_OK(strata_tokenizer_encode(tokenizer, fox, fox_length, 1, special, 64, &special_count));
  CHECK(special_count == plain_count + 1 && special[0] == 1);
  CHECK(memcmp(special + 1, plain, plain_count * sizeof(int32_t)) == 0);
  char text[128];
  size_t length = 0;
  CHECK_OK(strata_tokenizer_decode(tokenizer, special, special_count, 1, text, sizeof text, &length));
  CHECK(strcmp(text, fox) == 0);
  strata_tokenizer_destroy(tokenizer);
}

static void bad_input_is_refused_with_a_reason(void) {
  strata_tokenizer* tokenizer = NULL;
  CHECK_FAILS(strata_tokenizer_open("/nonexistent/tokenizer.json", &tokenizer), STRATA_STATUS_INVALID_ARGUMENT,
              "/nonexistent/tokenizer.json");
  CHECK(tokenizer == NULL);
  tokenizer = open_tokenizer("qwen3");
  size_t count = 0;
  CHECK_FAILS(strata_tokenizer_encode(tokenizer, "\xff\xfe", 2, 0, NULL, 0, &count), STRATA_STATUS_INVALID_ARGUMENT,
              "UTF-8");
  const int32_t outside = 1 << 30;
  size_t length = 0;
  CHECK_FAILS(strata_tokenizer_decode(tokenizer, &outside, 1, 0, NULL, 0, &length), STRATA_STATUS_INVALID_ARGUMENT,
              "1073741824");
  CHECK_FAILS(strata_tokenizer_encode(NULL, fox, fox_length, 0, NULL, 0, &count), STRATA_STATUS_INVALID_ARGUMENT,
              "strata_tokenizer_encode: `tokenizer` is NULL");
  strata_tokenizer_destroy(tokenizer);
  strata_tokenizer_destroy(NULL);
}

int main(int argc, char** argv) {
  static const test_case cases[] = {
      {"encodes_as_hugging_face_and_decodes_back", encodes_as_hugging_face_and_decodes_back},
      {"special_tokens_follow_the_flags", special_tokens_follow_the_flags},
      {"bad_input_is_refused_with_a_reason", bad_input_is_refused_with_a_reason},
  };
  return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
