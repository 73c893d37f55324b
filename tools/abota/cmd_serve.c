/* abota serve DIR: a development HTTP server for firmware images (the role
 * `python -m SimpleHTTPServer 3344` plays in Espressif's OTA demo). */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "abota/version.h"
#include "cli.h"
#include "serve.h"
#include "serve_log.h"

/* How long the last log lines may take at exit: a log nobody reads must
 * not hold up SIGINT/SIGTERM, and a live one is emptied long before. */
#define STOP_WAIT_MS 500u

static void usage(FILE *out)
{
    fprintf(out,
            "usage: abota serve DIR [--bind ADDR] [--port PORT] [--timeout SECONDS]\n"
            "                       [--max-clients N] [--tls CERT.pem KEY.pem]\n"
            "                       [--log FILE | --quiet]\n"
            "\n"
            "Serves the files under DIR over HTTP/1.1 and 1.0 (GET, HEAD, single byte\n"
            "ranges, ETag/Last-Modified validators, keep-alive) for devices to download.\n"
            "Nothing outside DIR is reachable: '..' segments are refused and symlinks\n"
            "leading out of DIR are not followed. Directories are not listed, hidden\n"
            "files and folders (a name starting with '.') are not served.\n"
            "Requests with several ranges are answered with the whole file (200).\n"
            "\n"
            "  --bind ADDR       address to listen on (default 0.0.0.0, all interfaces)\n"
            "  --port PORT       TCP port (default 3344; 0 picks a free one)\n"
            "  --timeout SECONDS close clients idle this long (default 60)\n"
            "  --max-clients N   serve at most N connections at once (default 1024); more\n"
            "                    wait in the kernel's listen queue until one closes\n"
            "  --tls CERT KEY    HTTPS instead of HTTP, for development: TLS 1.2 with the\n"
            "                    certificate in CERT (PEM; the chain may follow it) and its\n"
            "                    private key in KEY (mbedTLS). Handshakes run in the same\n"
            "                    non-blocking loop as everything else. File bodies are\n"
            "                    encrypted through a 16 KiB buffer instead of sendfile, and\n"
            "                    each client holds about 50 KiB of TLS state: for production\n"
            "                    use nginx (docs/TLS.md)\n"
            "  --log FILE        append the access log to FILE instead of stdout ('-':\n"
            "                    stdout)\n"
            CLI_VERBOSITY_HELP
            "                   (-q: no access log)\n"
            "\n"
            "The startup lines and 'abota serve: stopped' go to stdout, errors to stderr.\n"
            "The access log has one line per request in the combined format:\n"
            "  ADDR - - [TIME] \"REQUEST\" STATUS BYTES \"REFERER\" \"USER-AGENT\"\n"
            "TIME is local time with its offset (06/Dec/2026:04:20:01 +0000), BYTES the\n"
            "body bytes sent, also for a response cut short. Serving never waits for\n"
            "the log: lines it cannot take are dropped and counted, and the line\n"
            "'abota serve: N log lines dropped' follows once it takes lines again.\n"
            "SIGINT/SIGTERM stop it with exit status 0.\n");
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > max || s[0] == '-' || s[0] == '+')
        return false;
    *out = (unsigned)v;
    return true;
}

/* Enough descriptors for thousands of clients: soft limit up to the hard one. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl))
            perror("abota serve: warning: raising RLIMIT_NOFILE");
    }
}

static int listen_on(const char *host, unsigned port, char *url, size_t url_cap)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char ports[8];
    snprintf(ports, sizeof(ports), "%u", port);
    int rc = getaddrinfo(host, ports, &hints, &res);
    if (rc) {
        fprintf(stderr, "abota serve: cannot resolve '%s': %s\n", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "abota serve: cannot listen on %s port %u: %s\n", host, port,
                strerror(err));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned bound = port;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)&ss;
            inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
            bound = ntohs(a->sin6_port);
            snprintf(url, url_cap, "http://[%s]:%u/", ip, bound);
            return fd;
        }
        const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        bound = ntohs(a->sin_port);
    }
    snprintf(url, url_cap, "http://%s:%u/", ip, bound);
    return fd;
}

/* Bound to every interface: the addresses a device on the network can
 * use, each as the URL it would write (the port from url, which ends in
 * ":PORT/"). Loopback is left out; it only serves this machine. */
static void print_reachable(bool tls, const char *url)
{
    const char *port = strrchr(url, ':');
    struct ifaddrs *all;
    if (!port || getifaddrs(&all) < 0)
        return;
    for (struct ifaddrs *i = all; i; i = i->ifa_next) {
        if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
            continue;
        char host[INET6_ADDRSTRLEN];
        int fam = i->ifa_addr->sa_family;
        if (fam == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr,
                      host, sizeof host);
        else if (fam == AF_INET6)
            inet_ntop(AF_INET6,
                      &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr, host,
                      sizeof host);
        else
            continue;
        if (fam == AF_INET6 && !strncmp(host, "fe80", 4))
            continue; /* link-local: needs a zone a URL cannot carry */
        printf("abota serve:   reachable as %s://%s%s%s%s (%s)\n", tls ? "https" : "http",
               fam == AF_INET6 ? "[" : "", host, fam == AF_INET6 ? "]" : "", port,
               i->ifa_name);
    }
    freeifaddrs(all);
}

/* Serves DIR with o's settings until SIGINT/SIGTERM; the access log goes
 * to log_fd, or nowhere with quiet. Returns the exit status. */
static int serve_dir(const char *dir, struct serve_opts *o, const char *tls_cert,
                     const char *tls_key, int log_fd, bool quiet)
{
    char *real = realpath(dir, NULL);
    int root_fd = real ? open(real, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (root_fd < 0) {
        fprintf(stderr, "abota serve: %s: %s\n", dir, strerror(errno));
        free(real);
        return 1;
    }
    struct serve_tls *tls = NULL;
    if (tls_cert && serve_tls_init(&tls, tls_cert, tls_key) < 0) {
        close(root_fd);
        free(real);
        return 1;
    }
    raise_nofile();
    char url[96];
    int lfd = listen_on(o->bind, o->port, url, sizeof(url));
    if (lfd < 0) {
        serve_tls_free(tls);
        close(root_fd);
        free(real);
        return 1;
    }
    o->root_fd = root_fd;
    o->root = real;
    o->tls = tls;
    if (tls) { /* "https://...": the URL as devices write it */
        memmove(url + 5, url + 4, strlen(url + 4) + 1);
        url[4] = 's';
    }
    /* Written before anything is served, so stdio may block here. */
    printf("abota serve: serving %s on %s (abota %s)\n", real, url, ABOTA_VERSION_STRING);
    if (!strcmp(o->bind, "0.0.0.0") || !strcmp(o->bind, "::"))
        print_reachable(tls != NULL, url);
    fflush(stdout);
    int rc = 1;
    o->log = quiet ? NULL : serve_log_open(log_fd);
    if (!quiet && !o->log)
        fprintf(stderr, "abota serve: cannot start the log writer\n");
    else
        rc = serve_loop_run(lfd, o);
    /* The access log's last lines, then the stop line on stdout: after
     * them in the same stream when the log is stdout, else through a
     * writer of its own, so a stdout nobody reads cannot hold up the exit
     * for longer than STOP_WAIT_MS either. */
    if (log_fd != 1) {
        serve_log_close(o->log, STOP_WAIT_MS);
        o->log = NULL;
    }
    if (!rc) {
        static const char stopped[] = "abota serve: stopped\n";
        if (!o->log)
            o->log = serve_log_open(1);
        if (o->log)
            serve_log_put(o->log, stopped, sizeof(stopped) - 1);
    }
    serve_log_close(o->log, STOP_WAIT_MS);
    serve_tls_free(tls);
    close(lfd);
    close(root_fd);
    free(real);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    const char *dir = NULL, *tls_cert = NULL, *tls_key = NULL, *log_path = NULL;
    struct serve_opts o = {.bind = "0.0.0.0", .port = 3344, .idle_s = 60, .max_clients = 1024};
    bool quiet = false;
    static const struct option opts[] = {
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 't'},
        {"max-clients", required_argument, NULL, 'm'},
        {"tls", required_argument, NULL, 'T'},
        {"log", required_argument, NULL, 'l'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'T':
            /* --tls CERT KEY: the key is the word after the certificate */
            if (optind >= argc || argv[optind][0] == '-') {
                fprintf(stderr, "abota serve: --tls needs CERT.pem and KEY.pem\n");
                return 2;
            }
            tls_cert = optarg;
            tls_key = argv[optind++];
            break;
        case 'b': o.bind = optarg; break;
        case 'p':
            if (!parse_uint(optarg, 65535, &o.port)) {
                fprintf(stderr, "abota serve: bad port '%s'\n", optarg);
                return 2;
            }
            break;
        case 't':
            if (!parse_uint(optarg, 86400, &o.idle_s) || !o.idle_s) {
                fprintf(stderr, "abota serve: bad timeout '%s'\n", optarg);
                return 2;
            }
            break;
        case 'm':
            if (!parse_uint(optarg, 1000000, &o.max_clients) || !o.max_clients) {
                fprintf(stderr, "abota serve: --max-clients wants 1..1000000, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'l': log_path = optarg; break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': usage(stdout); return 0;
        default: return cli_option_error("abota serve", c, argv, usage);
        }
    }
    if (optind < argc)
        dir = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "abota serve: more than one DIR ('%s')\n", argv[optind]);
        return 2;
    }
    quiet = cli_verbosity == CLI_QUIET; /* CMD -q, or abota -q CMD */
    if (quiet && log_path) {
        fprintf(stderr, "abota serve: --quiet and --log exclude each other\n");
        return 2;
    }
    if (!dir) {
        usage(stderr);
        return 2;
    }
    int log_fd = 1;
    if (log_path && strcmp(log_path, "-")) {
        log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0) {
            fprintf(stderr, "abota serve: %s: %s\n", log_path, strerror(errno));
            return 1;
        }
    }
    int rc = serve_dir(dir, &o, tls_cert, tls_key, log_fd, quiet);
    if (log_fd != 1)
        close(log_fd);
    return rc;
}
