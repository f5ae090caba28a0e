/* A small harness for the C API's tests, in C: checks that stop the program with where and why,
 * and one named case per ctest test. */
#ifndef STRATA_TEST_CHECK_H_
#define STRATA_TEST_CHECK_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      exit(1);                                                                      \
    }                                                                               \
  } while (0)

/* The call succeeds; otherwise its code and the thread's message are shown. */
#define CHECK_OK(call)                                                                                               \
  do {                                                                                                               \
    const strata_status_code check_code_ = (call);                                                                   \
    if (check_code_ != STRATA_STATUS_OK) {                                                                           \
      fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call, strata_status_code_name(check_code_), \
              strata_last_error_message());                                                                          \
      exit(1);                                                                                                       \
    }                                                                                                                \
  } while (0)

/* The call fails with `expected` and a message that holds `fragment`. */
#define CHECK_FAILS(call, expected, fragment)                                                        \
  do {                                                                                               \
    const strata_status_code check_code_ = (call);                                                   \
    if (check_code_ != (expected) || strstr(strata_last_error_message(), (fragment)) == NULL) {      \
      fprintf(stderr, "%s:%d: %s: expected %s with \"%s\", got %s: %s\n", __FILE__, __LINE__, #call, \
              strata_status_code_name(expected), (fragment), strata_status_code_name(check_code_),   \
              strata_last_error_message());                                                          \
      exit(1);                                                                                       \
    }                                                                                                \
  } while (0)

typedef struct test_case {
  const char* name;
  void (*run)(void);
} test_case;

/* Runs the case named by argv[1], or every case without one. */
static inline int run_cases(const test_case* cases, size_t count, int argc, char** argv) {
  size_t ran = 0;
  for (size_t i = 0; i < count; ++i) {
    if (argc > 1 && strcmp(argv[1], cases[i].name) != 0) continue;
    printf("case %s\n", cases[i].name);
    fflush(stdout);
    cases[i].run();
    ++ran;
  }
  if (ran == 0) {
    fprintf(stderr, "no case named %s\n", argc > 1 ? argv[1] : "(any)");
    return 1;
  }
  return 0;
}

#endif /* STRATA_TEST_CHECK_H_ */
