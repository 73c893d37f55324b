/* -q / -v, alike in every command: quiet keeps only errors (stderr) and a
 * command's result; verbose adds detail where a command has more to say. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

int cli_verbosity = CLI_NORMAL;

static FILE *result_stream;

bool cli_verbosity_option(int c)
{
    if (c == 'q')
        cli_verbosity = CLI_QUIET;
    else if (c == 'v')
        cli_verbosity = CLI_VERBOSE;
    else
        return false;
    return true;
}

int cli_quiet_stdout(const char *who)
{
    result_stream = stdout;
    if (cli_verbosity != CLI_QUIET)
        return 0;
    fflush(stdout);
    /* The real stdout stays open for the result line only, and not across
     * an exec: a simulated firmware writes to /dev/null like the rest. */
    int keep = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FILE *f = keep >= 0 ? fdopen(keep, "w") : NULL;
    if (!f || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
        perror(who);
        if (f)
            fclose(f);
        else if (keep >= 0)
            close(keep);
        if (null >= 0)
            close(null);
        return -1;
    }
    close(null);
    result_stream = f;
    return 0;
}

FILE *cli_result(void)
{
    return result_stream ? result_stream : stdout;
}
