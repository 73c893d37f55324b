/*
 * The part of cmocka that the core's unit tests may use, for the target
 * CPUs (lx106, Cortex-M3) where the real library is not available. Only
 * the macros listed in the project's test rules exist here, so a test that
 * uses anything else fails to build for the targets instead of drifting
 * away from portable C. Output follows cmocka 1.1's: progress on stdout,
 * failure details on stderr, the same summary lines, and the test program
 * returns the number of failed tests.
 *
 * A failing assertion longjmps back to the runner, which ends that test
 * (its teardown still runs) and goes on with the next one.
 */
#ifndef ABOTA_TARGET_CMOCKA_H
#define ABOTA_TARGET_CMOCKA_H

#include <stddef.h>
#include <stdint.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
    const char *name;
    CMUnitTestFunction test_func;
    CMFixtureFunction setup_func;
    CMFixtureFunction teardown_func;
    void *initial_state;
};

#define cmocka_unit_test(f) {#f, f, NULL, NULL, NULL}
#define cmocka_unit_test_setup_teardown(f, setup, teardown) {#f, f, setup, teardown, NULL}

#define cmocka_run_group_tests(tests, group_setup, group_teardown)                         \
    abota_cm_run_group(#tests, tests, sizeof(tests) / sizeof((tests)[0]), group_setup,      \
                       group_teardown)

/* Integers are compared as uintmax_t, like cmocka's LargestIntegralType. */
#define abota_cm_int(v) ((uintmax_t)(v))
#define abota_cm_ptr(p) ((uintmax_t)(uintptr_t)(const void *)(p))

#define assert_true(c) abota_cm_check((c) ? 1 : 0, #c, __FILE__, __LINE__)
#define assert_false(c) abota_cm_check((c) ? 0 : 1, #c, __FILE__, __LINE__)
#define assert_null(p) abota_cm_check((const void *)(p) == NULL, #p, __FILE__, __LINE__)
#define assert_non_null(p) abota_cm_check((const void *)(p) != NULL, #p, __FILE__, __LINE__)
#define assert_int_equal(a, b)                                                               \
    abota_cm_int_equal(abota_cm_int(a), abota_cm_int(b), 1, __FILE__, __LINE__)
#define assert_int_not_equal(a, b)                                                           \
    abota_cm_int_equal(abota_cm_int(a), abota_cm_int(b), 0, __FILE__, __LINE__)
#define assert_ptr_equal(a, b)                                                               \
    abota_cm_int_equal(abota_cm_ptr(a), abota_cm_ptr(b), 1, __FILE__, __LINE__)
#define assert_in_range(v, lo, hi)                                                           \
    abota_cm_in_range(abota_cm_int(v), abota_cm_int(lo), abota_cm_int(hi), __FILE__, __LINE__)
#define assert_memory_equal(a, b, n)                                                         \
    abota_cm_memory(a, b, (size_t)(n), 1, __FILE__, __LINE__)
#define assert_memory_not_equal(a, b, n)                                                     \
    abota_cm_memory(a, b, (size_t)(n), 0, __FILE__, __LINE__)
#define assert_string_equal(a, b)                                                            \
    abota_cm_string_equal((const char *)(a), (const char *)(b), __FILE__, __LINE__)
#define fail_msg(...) abota_cm_fail(__FILE__, __LINE__, __VA_ARGS__)

int abota_cm_run_group(const char *group, const struct CMUnitTest *tests, size_t count,
                       CMFixtureFunction group_setup, CMFixtureFunction group_teardown);
void abota_cm_check(int ok, const char *expr, const char *file, int line);
void abota_cm_int_equal(uintmax_t a, uintmax_t b, int want_equal, const char *file, int line);
void abota_cm_in_range(uintmax_t v, uintmax_t lo, uintmax_t hi, const char *file, int line);
void abota_cm_memory(const void *a, const void *b, size_t n, int want_equal, const char *file,
                     int line);
void abota_cm_string_equal(const char *a, const char *b, const char *file, int line);
void abota_cm_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#endif
