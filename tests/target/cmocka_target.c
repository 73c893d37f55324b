/*
 * Runner and assertions behind tests/target/cmocka.h. Portable C with
 * stdio only; runs the same on the host, which is how its output is
 * compared with the real cmocka's. No %zu: Debian's newlib for ARM is
 * built without it.
 */
#include "cmocka.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a failing assertion returns to: set by run_step around each
   setup, test and teardown call. Test programs are single-threaded. */
static jmp_buf cm_escape;
static int cm_armed;

/* Differing bytes shown for a failed memory compare. */
#define CM_MAX_DIFFS 16

/* Failed tests named in the summary (a group has far fewer). */
#define CM_MAX_LISTED 256

__attribute__((noreturn)) static void cm_failed(const char *file, int line)
{
    fprintf(stderr, "[   LINE   ] --- %s:%d: error: Failure!\n", file, line);
    if (cm_armed)
        longjmp(cm_escape, 1);
    /* an assertion outside any test (e.g. in main): nothing to go back to */
    fprintf(stderr, "[  ERROR   ] assertion failed outside a test\n");
    exit(1);
}

void abota_cm_check(int ok, const char *expr, const char *file, int line)
{
    if (ok)
        return;
    fprintf(stderr, "[  ERROR   ] --- %s\n", expr);
    cm_failed(file, line);
}

void abota_cm_int_equal(uintmax_t a, uintmax_t b, int want_equal, const char *file, int line)
{
    if ((a == b) == (want_equal != 0))
        return;
    fprintf(stderr, "[  ERROR   ] --- %#llx %s %#llx\n", (unsigned long long)a,
            want_equal ? "!=" : "==", (unsigned long long)b);
    cm_failed(file, line);
}

void abota_cm_in_range(uintmax_t v, uintmax_t lo, uintmax_t hi, const char *file, int line)
{
    if (v >= lo && v <= hi)
        return;
    fprintf(stderr, "[  ERROR   ] --- %llu is not within the range %llu-%llu\n",
            (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi);
    cm_failed(file, line);
}

void abota_cm_memory(const void *a, const void *b, size_t n, int want_equal, const char *file,
                     int line)
{
    const unsigned char *pa = a, *pb = b;
    size_t diffs = 0;

    for (size_t i = 0; i < n; i++)
        if (pa[i] != pb[i])
            diffs++;
    if ((diffs == 0) == (want_equal != 0))
        return;
    if (!want_equal) {
        fprintf(stderr, "[  ERROR   ] --- %lu bytes of %p and %p the same\n", (unsigned long)n, a, b);
        cm_failed(file, line);
    }
    fprintf(stderr, "[  ERROR   ] --- ");
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < CM_MAX_DIFFS; i++) {
        if (pa[i] == pb[i])
            continue;
        fprintf(stderr, "difference at offset %lu 0x%02x 0x%02x\n", (unsigned long)i, pa[i], pb[i]);
        shown++;
    }
    if (shown < diffs)
        fprintf(stderr, "... %lu more\n", (unsigned long)(diffs - shown));
    fprintf(stderr, "%lu bytes of %p and %p differ\n", (unsigned long)diffs, a, b);
    cm_failed(file, line);
}

void abota_cm_string_equal(const char *a, const char *b, const char *file, int line)
{
    if (a != NULL && b != NULL && strcmp(a, b) == 0)
        return;
    fprintf(stderr, "[  ERROR   ] --- \"%s\" != \"%s\"\n", a ? a : "(null)", b ? b : "(null)");
    cm_failed(file, line);
}

void abota_cm_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[  ERROR   ] --- ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    cm_failed(file, line);
}

enum step_result { STEP_OK, STEP_RETURNED_ERROR, STEP_ASSERTION };

/* Runs a fixture (fixture != NULL) or a test function under the escape. */
static enum step_result run_step(CMFixtureFunction fixture, CMUnitTestFunction test, void **state)
{
    /* volatile: read after longjmp */
    volatile enum step_result result = STEP_OK;

    if (setjmp(cm_escape) != 0) {
        result = STEP_ASSERTION;
    } else {
        cm_armed = 1;
        if (fixture != NULL) {
            if (fixture(state) != 0)
                result = STEP_RETURNED_ERROR;
        } else {
            test(state);
        }
    }
    cm_armed = 0;
    return result;
}

enum outcome { PASSED, FAILED, ERRORED };

static enum outcome run_one(const struct CMUnitTest *t, void *group_state)
{
    void *state = t->initial_state != NULL ? t->initial_state : group_state;

    if (t->setup_func != NULL && run_step(t->setup_func, NULL, &state) != STEP_OK) {
        fprintf(stderr, "Could not run test: Test setup failed\n");
        return ERRORED;
    }
    enum outcome out = run_step(NULL, t->test_func, &state) == STEP_OK ? PASSED : FAILED;
    if (t->teardown_func != NULL && run_step(t->teardown_func, NULL, &state) != STEP_OK) {
        fprintf(stderr, "Could not run test: Test teardown failed\n");
        out = ERRORED;
    }
    return out;
}

int abota_cm_run_group(const char *group, const struct CMUnitTest *tests, size_t count,
                       CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
    void *group_state = NULL;
    size_t passed = 0, failed = 0, errors = 0;
    const char *failed_names[CM_MAX_LISTED];

    if (group_setup != NULL && run_step(group_setup, NULL, &group_state) != STEP_OK) {
        fprintf(stderr, "[  ERROR   ] %s: group setup failed\n", group);
        return -1;
    }
    printf("[==========] Running %lu test(s).\n", (unsigned long)count);
    for (size_t i = 0; i < count; i++) {
        printf("[ RUN      ] %s\n", tests[i].name);
        switch (run_one(&tests[i], group_state)) {
        case PASSED:
            passed++;
            printf("[       OK ] %s\n", tests[i].name);
            break;
        case FAILED:
            if (failed < CM_MAX_LISTED)
                failed_names[failed] = tests[i].name;
            failed++;
            printf("[  FAILED  ] %s\n", tests[i].name);
            break;
        case ERRORED:
            errors++;
            fprintf(stderr, "[  ERROR   ] %s\n", tests[i].name);
            break;
        }
    }
    if (group_teardown != NULL && run_step(group_teardown, NULL, &group_state) != STEP_OK) {
        fprintf(stderr, "[  ERROR   ] %s: group teardown failed\n", group);
        errors++;
    }

    printf("[==========] %lu test(s) run.\n", (unsigned long)count);
    fprintf(stderr, "[  PASSED  ] %lu test(s).\n", (unsigned long)passed);
    if (failed > 0) {
        fprintf(stderr, "[  FAILED  ] %lu test(s), listed below:\n", (unsigned long)failed);
        for (size_t i = 0; i < failed && i < CM_MAX_LISTED; i++)
            fprintf(stderr, "[  FAILED  ] %s\n", failed_names[i]);
    }
    if (failed + errors > 0)
        fprintf(stderr, "\n %lu FAILED TEST(S)\n", (unsigned long)(failed + errors));
    return (int)(failed + errors);
}
