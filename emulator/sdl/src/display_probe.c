/* Probes the display's socket before SDL opens it (display_probe.h). */
#define _POSIX_C_SOURCE 200809L
#include "display_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Whether something accepts a connection on the unix socket at path (abstract: in Linux's abstract namespace,
 * where X servers also listen). */
static bool unix_socket_answers(const char *path, bool abstract)
{
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    size_t length = strlen(path), offset = abstract ? 1 : 0;
    if (length + offset >= sizeof address.sun_path) return false;
    memcpy(address.sun_path + offset, path, length);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return false;
    socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + offset + length + (abstract ? 0 : 1));
    bool answered = connect(fd, (const struct sockaddr *)&address, size) == 0;
    close(fd);
    return answered;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* Connects to host:port within timeout_ms (a connect that is neither accepted nor refused is given up then).
 * False with the reason in why. */
static bool tcp_answers(const char *host, unsigned port, int timeout_ms, char *why, size_t size)
{
    char service[16];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints, *found = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int error = getaddrinfo(host, service, &hints, &found);
    if (error) {
        snprintf(why, size, "its host %s is not known (%s)", host, gai_strerror(error));
        return false;
    }
    const double deadline = now_ms() + timeout_ms;
    bool answered = false, timed_out = false;
    int last_error = 0;
    for (const struct addrinfo *a = found; a && !answered; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        int flags = fcntl(fd, F_GETFL, 0);
        if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            answered = true;
        } else if (errno == EINPROGRESS) {
            double left = deadline - now_ms();
            struct pollfd p = {fd, POLLOUT, 0};
            int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
            int result = 0;
            socklen_t length = sizeof result;
            if (ready == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &length) == 0 && result == 0)
                answered = true;
            else if (ready == 1)
                last_error = result;
            else
                timed_out = true;
        } else {
            last_error = errno;
        }
        close(fd);
    }
    freeaddrinfo(found);
    if (answered) return true;
    if (timed_out)
        snprintf(why, size, "no answer from %s port %u in %.1f s", host, port, timeout_ms / 1000.0);
    else
        snprintf(why, size, "%s port %u: %s", host, port, last_error ? strerror(last_error) : "no address to connect to");
    return false;
}

bool hack_display_probe_x11(const char *display, int timeout_ms, char *why, size_t size)
{
    const char *name = display;
    if (strncmp(name, "tcp/", 4) == 0) name += 4;
    else if (strncmp(name, "inet/", 5) == 0) name += 5;
    else if (strncmp(name, "inet6/", 6) == 0) name += 6;
    else if (strncmp(name, "unix/", 5) == 0) name += 4; /* "unix/:0": the local socket, as ":0" */
    const char *colon = strrchr(name, ':');
    if (name[0] == '/' || !colon || (colon > name && colon[-1] == ':')) return true; /* a path, DECnet: SDL says */
    char *end;
    unsigned long number = strtoul(colon + 1, &end, 10);
    if (end == colon + 1 || (*end && *end != '.') || number > 59535) return true;
    size_t host_length = (size_t)(colon - name);
    if (host_length >= 2 && name[0] == '[' && colon[-1] == ']') { /* [::1]:0 */
        name++;
        host_length -= 2;
    }
    char host[256];
    if (host_length >= sizeof host) return true;
    memcpy(host, name, host_length);
    host[host_length] = '\0';
    if (!host[0] || strcmp(host, "unix") == 0) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/.X11-unix/X%lu", number);
        if (unix_socket_answers(path, true) || unix_socket_answers(path, false)) return true;
        snprintf(why, size, "nothing listens at DISPLAY=%s (no X server on this machine has display %lu)", display,
                 number);
        return false;
    }
    char reason[300];
    if (tcp_answers(host, 6000u + (unsigned)number, timeout_ms, reason, sizeof reason)) return true;
    snprintf(why, size, "the X server at DISPLAY=%s does not answer (%s)", display, reason);
    return false;
}

bool hack_display_probe_wayland(const char *display, const char *runtime_dir, char *why, size_t size)
{
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];
    if (display[0] == '/') {
        snprintf(path, sizeof path, "%s", display);
    } else if (runtime_dir && runtime_dir[0] == '/') {
        snprintf(path, sizeof path, "%s/%s", runtime_dir, display);
    } else {
        snprintf(why, size, "WAYLAND_DISPLAY=%s names a socket in XDG_RUNTIME_DIR, which is not set", display);
        return false;
    }
    if (unix_socket_answers(path, false)) return true;
    snprintf(why, size, "no Wayland compositor listens at WAYLAND_DISPLAY=%s (%s)", display, path);
    return false;
}
