/* A scripted Debug Adapter Protocol client, as an editor speaks it: runs `hackemu --dap` on two pipes, sends
 * the script's requests (framed with Content-Length, as VS Code frames them), and checks what comes back.
 *
 *   dap_client HACKEMU SCRIPT DIR
 *
 * SCRIPT, a line each (# comments, blank lines ignored):
 *   send JSON     a message to the server (framed here); "${DIR}" in it is DIR (the test programs' folder),
 *                 and a string "$NAME" is the value captured under NAME
 *   raw TEXT      bytes as they are (\r \n \\ \xHH escapes): for malformed input
 *   fill N        N bytes 'x' (a body too long to take)
 *   expect JSON   reads messages until one matches JSON: every member of an object must be there and match;
 *                 an array matches when its elements match the first ones of the message's, in order; a string
 *                 "$NAME" captures the value (or must equal it once captured), "~TEXT" matches a string that
 *                 contains TEXT, "*" anything. Events that do not match are passed over, and a later
 *                 `expect` may match them (events and responses may come in either order: the server runs
 *                 the program between two reads); a response that does not match is a failure (each
 *                 response is checked, in order), and so is silence for 20 s
 *   absent TEXT   no message passed over since the last `absent` (or the start) contains TEXT
 *   close         closes the server's input
 *   exit N        the server exits by itself within 20 s with status N
 * At the end the server must have exited: one still running is killed and the test fails.
 * The framing of the server's messages is checked strictly: "Content-Length: N\r\n\r\n" and N bytes of JSON. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { TIMEOUT_MS = 20000 };

static pid_t server = -1;
static int to_server = -1, from_server = -1;
static char *input;         /* bytes from the server not yet framed into messages */
static size_t input_used, input_capacity;
static json_t *captures;    /* NAME -> value */
static json_t *pending;     /* events passed over, which a later `expect` may still match */
static char *passed_over;   /* the messages passed over since the last `absent` */
static size_t passed_length;
static int line_number;
static const char *script_path;

static void fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "%s:%d: ", script_path, line_number);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    if (server > 0) {
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
    }
    exit(1);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void start(const char *hackemu)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out)) fail("pipe: %s", strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    char *argv[] = {(char *)hackemu, "--dap", NULL};
    int error = posix_spawn(&server, hackemu, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error) fail("cannot run %s: %s", hackemu, strerror(error));
    close(in[0]);
    close(out[1]);
    to_server = in[1];
    from_server = out[0];
}

static void write_bytes(const char *bytes, size_t length)
{
    while (length) {
        ssize_t n = write(to_server, bytes, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("the server no longer reads its input: %s", strerror(errno));
        bytes += n;
        length -= (size_t)n;
    }
}

/* ---- messages in ---- */

/* The next whole message in the input, or NULL. Strict framing. */
static json_t *take_message(void)
{
    static const char prefix[] = "Content-Length: ";
    char *end = input_used ? memchr(input, '\n', input_used) : NULL;
    if (!end) return NULL;
    size_t header = (size_t)(end - input) + 1;
    if (header + 2 > input_used) return NULL;
    char *digits_end;
    unsigned long length = strtoul(input + sizeof prefix - 1, &digits_end, 10);
    if (strncmp(input, prefix, sizeof prefix - 1) != 0 || digits_end != end - 1 || end[-1] != '\r' ||
        strncmp(end + 1, "\r\n", 2) != 0)
        fail("bad framing from the server: %.*s", (int)(header < 80 ? header : 80), input);
    if (input_used < header + 2 + length) return NULL;
    json_error_t error;
    json_t *message = json_loadb(input + header + 2, length, 0, &error);
    if (!message) fail("the server sent a message that is not JSON: %s: %.*s", error.text, (int)length, input + header + 2);
    size_t used = header + 2 + length;
    memmove(input, input + used, input_used - used);
    input_used -= used;
    return message;
}

/* The next message from the server, waiting until the deadline; NULL when it ended its output. */
static json_t *next_message(long long deadline)
{
    for (;;) {
        json_t *message = take_message();
        if (message) return message;
        long long left = deadline - now_ms();
        if (left <= 0) return NULL;
        struct pollfd p = {from_server, POLLIN, 0};
        int ready = poll(&p, 1, (int)left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        if (input_used + 65536 > input_capacity) {
            input_capacity = (input_used + 65536) * 2;
            input = realloc(input, input_capacity);
            if (!input) fail("out of memory");
        }
        ssize_t n = read(from_server, input + input_used, 65536);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return NULL;
        input_used += (size_t)n;
    }
}

/* ---- matching ---- */

static bool match(const json_t *pattern, const json_t *value)
{
    if (json_is_string(pattern)) {
        const char *p = json_string_value(pattern);
        if (strcmp(p, "*") == 0) return value != NULL;
        if (p[0] == '~') return json_is_string(value) && strstr(json_string_value(value), p + 1);
        if (p[0] == '$' && p[1]) {
            const json_t *known = json_object_get(captures, p + 1);
            if (known) return json_equal(known, value);
            if (!value) return false;
            json_object_set(captures, p + 1, (json_t *)value);
            return true;
        }
    }
    if (!value) return false;
    if (json_is_object(pattern)) {
        if (!json_is_object(value)) return false;
        const char *key;
        json_t *member;
        json_object_foreach((json_t *)pattern, key, member) if (!match(member, json_object_get(value, key))) return false;
        return true;
    }
    if (json_is_array(pattern)) {
        if (!json_is_array(value) || json_array_size(value) < json_array_size(pattern)) return false;
        for (size_t i = 0; i < json_array_size(pattern); i++)
            if (!match(json_array_get(pattern, i), json_array_get(value, i))) return false;
        return true;
    }
    return json_equal(pattern, value);
}

/* Captures made by a match that failed half-way are dropped: matching tries a copy first. */
static bool try_match(const json_t *pattern, const json_t *value)
{
    json_t *saved = json_deep_copy(captures);
    if (match(pattern, value)) {
        json_decref(saved);
        return true;
    }
    json_decref(captures);
    captures = saved;
    return false;
}

static void note_passed_over(const json_t *message)
{
    char *text = json_dumps(message, JSON_COMPACT);
    if (!text) return;
    size_t length = strlen(text);
    passed_over = realloc(passed_over, passed_length + length + 2);
    if (!passed_over) fail("out of memory");
    memcpy(passed_over + passed_length, text, length);
    passed_length += length;
    passed_over[passed_length++] = '\n';
    passed_over[passed_length] = '\0';
    free(text);
}

static void expect(const json_t *pattern)
{
    /* an event that came early (the server runs the program between reading requests, so an event and a
     * response may come in either order) */
    for (size_t i = 0; i < json_array_size(pending); i++)
        if (try_match(pattern, json_array_get(pending, i))) {
            json_array_remove(pending, i);
            return;
        }
    long long deadline = now_ms() + TIMEOUT_MS;
    for (;;) {
        json_t *message = next_message(deadline);
        if (!message) {
            char *wanted = json_dumps(pattern, JSON_COMPACT);
            fail("expected %s; the server %s. Passed over:\n%s", wanted,
                 now_ms() >= deadline ? "said nothing more for 20 s" : "ended its output", passed_over ? passed_over : "");
        }
        bool matched = try_match(pattern, message);
        const char *type = json_string_value(json_object_get(message, "type"));
        if (!matched && type && strcmp(type, "response") == 0) {
            char *got = json_dumps(message, JSON_COMPACT), *wanted = json_dumps(pattern, JSON_COMPACT);
            fail("a response that was not expected:\n  got      %s\n  expected %s", got, wanted);
        }
        if (!matched) {
            note_passed_over(message);
            json_array_append(pending, message);
        }
        json_decref(message);
        if (matched) return;
    }
}

/* ---- sending ---- */

/* The message with "$NAME" strings replaced by what was captured. */
static json_t *substitute(json_t *value)
{
    if (json_is_string(value)) {
        const char *text = json_string_value(value);
        if (text[0] == '$' && text[1] && json_object_get(captures, text + 1))
            return json_incref(json_object_get(captures, text + 1));
        return json_incref(value);
    }
    if (json_is_object(value)) {
        json_t *copy = json_object();
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member) json_object_set_new(copy, key, substitute(member));
        return copy;
    }
    if (json_is_array(value)) {
        json_t *copy = json_array();
        for (size_t i = 0; i < json_array_size(value); i++) json_array_append_new(copy, substitute(json_array_get(value, i)));
        return copy;
    }
    return json_incref(value);
}

static void send_message(json_t *message)
{
    json_t *ready = substitute(message);
    char *text = json_dumps(ready, JSON_COMPACT);
    json_decref(ready);
    char header[64];
    int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", strlen(text));
    write_bytes(header, (size_t)n);
    write_bytes(text, strlen(text));
    free(text);
}

static void send_raw(const char *text)
{
    for (const char *p = text; *p; p++) {
        char c = *p;
        if (c == '\\' && p[1]) {
            p++;
            if (*p == 'r') c = '\r';
            else if (*p == 'n') c = '\n';
            else if (*p == 'x' && p[1] && p[2]) {
                char hex[3] = {p[1], p[2], 0};
                c = (char)strtol(hex, NULL, 16);
                p += 2;
            } else c = *p;
        }
        write_bytes(&c, 1);
    }
}

static void wait_exit(int status_expected)
{
    if (to_server >= 0) {
        /* (its input stays open: it must end by itself) */
    }
    long long deadline = now_ms() + TIMEOUT_MS;
    for (;;) {
        int status;
        pid_t done = waitpid(server, &status, WNOHANG);
        if (done == server) {
            server = -1;
            if (!WIFEXITED(status)) fail("the server ended with signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            if (WEXITSTATUS(status) != status_expected)
                fail("the server exited with status %d, not %d", WEXITSTATUS(status), status_expected);
            return;
        }
        if (now_ms() > deadline) fail("the server did not exit within 20 s");
        /* drain its output meanwhile (it may be blocked writing) */
        json_t *message = next_message(now_ms() + 50);
        if (message) {
            note_passed_over(message);
            json_decref(message);
        }
    }
}

/* The line with ${DIR} replaced. */
static char *expand(const char *line, const char *dir)
{
    size_t length = strlen(line) + 1, dir_length = strlen(dir);
    for (const char *p = line; (p = strstr(p, "${DIR}")); p += 6) length += dir_length;
    char *out = malloc(length), *o = out;
    if (!out) fail("out of memory");
    for (const char *p = line; *p;) {
        if (strncmp(p, "${DIR}", 6) == 0) {
            memcpy(o, dir, dir_length);
            o += dir_length;
            p += 6;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: dap_client HACKEMU SCRIPT DIR\n");
        return 64;
    }
    script_path = argv[2];
    FILE *script = fopen(script_path, "r");
    if (!script) {
        fprintf(stderr, "dap_client: cannot read %s\n", script_path);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    captures = json_object();
    pending = json_array();
    start(argv[1]);
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    while ((length = getline(&line, &capacity, script)) > 0) {
        line_number++;
        while (length && (line[length - 1] == '\n' || line[length - 1] == '\r')) line[--length] = '\0';
        char *text = line;
        while (*text == ' ') text++;
        if (!*text || *text == '#') continue;
        char *expanded = expand(text, argv[3]);
        char *rest = strchr(expanded, ' ');
        rest = rest ? rest + 1 : expanded + strlen(expanded);
        if (strncmp(expanded, "send ", 5) == 0 || strncmp(expanded, "expect ", 7) == 0) {
            json_error_t error;
            json_t *json = json_loads(rest, 0, &error);
            if (!json) fail("not JSON: %s (column %d)", error.text, error.column);
            if (expanded[0] == 's') send_message(json);
            else expect(json);
            json_decref(json);
        } else if (strncmp(expanded, "raw ", 4) == 0) {
            send_raw(rest);
        } else if (strncmp(expanded, "fill ", 5) == 0) {
            static char block[65536];
            memset(block, 'x', sizeof block);
            for (long left = atol(rest); left > 0; left -= (long)sizeof block)
                write_bytes(block, left < (long)sizeof block ? (size_t)left : sizeof block);
        } else if (strncmp(expanded, "absent ", 7) == 0) {
            if (passed_over && strstr(passed_over, rest)) fail("'%s' was said:\n%s", rest, passed_over);
            passed_length = 0;
            if (passed_over) passed_over[0] = '\0';
        } else if (strcmp(expanded, "close") == 0) {
            close(to_server);
            to_server = -1;
        } else if (strncmp(expanded, "exit ", 5) == 0) {
            wait_exit(atoi(rest));
        } else {
            fail("unknown script line: %s", expanded);
        }
        free(expanded);
    }
    free(line);
    fclose(script);
    if (server > 0) {
        line_number++;
        fail("the script ended and the server is still running");
    }
    json_decref(captures);
    free(input);
    free(passed_over);
    puts("ok");
    return 0;
}
