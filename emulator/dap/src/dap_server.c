/* The Debug Adapter Protocol server: messages in (framed JSON, hack/dap_wire.h), each request to its handler,
 * responses and events out; the requests that set a session up (initialize, configurationDone) and end it
 * (terminate, disconnect). JSON is jansson's. */
#define _POSIX_C_SOURCE 200809L
#include "dap_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *dap_strdup(const char *text)
{
    return text ? strdup(text) : NULL;
}

/* ---- messages out ---- */

/* Whether bytes[0..length) starts with a whole UTF-8 sequence of n bytes (the shortest form, no surrogate). */
static size_t utf8_sequence(const unsigned char *p, size_t length)
{
    if (p[0] < 0x80) return 1;
    size_t n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
    if (n == 0 || n > length) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && p[0] == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
    if (n == 3 && p[0] == 0xED && p[1] >= 0xA0) return 0; /* a surrogate */
    if (n == 4 && p[0] == 0xF0 && p[1] < 0x90) return 0;  /* overlong */
    if (n == 4 && p[0] == 0xF4 && p[1] >= 0x90) return 0; /* past U+10FFFF */
    return n;
}

json_t *dap_text(const char *text)
{
    if (!text) text = "";
    json_t *string = json_string(text);
    if (string) return string;
    /* not UTF-8 (a source file in another encoding, bytes a program printed): each bad byte as '?' */
    size_t length = strlen(text);
    char *clean = malloc(length + 1);
    if (!clean) return NULL;
    const unsigned char *p = (const unsigned char *)text;
    size_t used = 0;
    for (size_t i = 0; i < length;) {
        size_t n = utf8_sequence(p + i, length - i);
        if (n == 0) {
            clean[used++] = '?';
            i++;
        } else {
            memcpy(clean + used, p + i, n);
            used += n;
            i += n;
        }
    }
    clean[used] = '\0';
    string = json_string(clean);
    free(clean);
    return string;
}

static void send(hack_dap_server *s, json_t *message)
{
    if (!message) return;
    if (s->done) {
        json_decref(message);
        return;
    }
    json_object_set_new(message, "seq", json_integer(++s->seq));
    char *text = json_dumps(message, JSON_COMPACT);
    json_decref(message);
    if (!text) return;
    size_t length = strlen(text);
    char header[64];
    int header_length = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", length);
    char *framed = malloc((size_t)header_length + length);
    if (framed) {
        memcpy(framed, header, (size_t)header_length);
        memcpy(framed + header_length, text, length);
        if (!s->options.write(s->options.context, framed, (size_t)header_length + length)) s->done = s->write_failed = true;
    }
    free(framed);
    free(text);
}

static json_t *response(const json_t *request, bool success)
{
    json_t *r = json_object();
    json_object_set_new(r, "type", json_string("response"));
    const json_t *seq = json_object_get(request, "seq");
    json_object_set_new(r, "request_seq", json_integer(json_is_integer(seq) ? json_integer_value(seq) : 0));
    json_object_set_new(r, "success", json_boolean(success));
    const char *command = json_string_value(json_object_get(request, "command"));
    json_object_set_new(r, "command", dap_text(command ? command : ""));
    return r;
}

void dap_respond(hack_dap_server *s, const json_t *request, json_t *body)
{
    json_t *r = response(request, true);
    if (body) json_object_set_new(r, "body", body);
    send(s, r);
}

void dap_fail(hack_dap_server *s, const json_t *request, const char *format, ...)
{
    char text[1000];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    json_t *r = response(request, false);
    json_object_set_new(r, "message", dap_text(text));
    /* the client shows body.error's format to the user */
    json_object_set_new(r, "body", json_pack("{s:{s:i, s:o, s:b}}", "error", "id", 1, "format", dap_text(text),
                                             "showUser", false));
    send(s, r);
}

void dap_event(hack_dap_server *s, const char *event, json_t *body)
{
    json_t *e = json_object();
    json_object_set_new(e, "type", json_string("event"));
    json_object_set_new(e, "event", json_string(event));
    if (body) json_object_set_new(e, "body", body);
    send(s, e);
}

void dap_output(hack_dap_server *s, const char *category, const char *text)
{
    size_t length = strlen(text);
    if (length == 0) return;
    char *line = NULL;
    if (text[length - 1] != '\n') {
        line = malloc(length + 2);
        if (!line) return;
        memcpy(line, text, length);
        memcpy(line + length, "\n", 2);
    }
    json_t *body = json_object();
    json_object_set_new(body, "category", json_string(category));
    json_object_set_new(body, "output", dap_text(line ? line : text));
    dap_event(s, "output", body);
    free(line);
}

/* ---- arguments ---- */

const json_t *dap_argument(const json_t *request, const char *name)
{
    return json_object_get(json_object_get(request, "arguments"), name);
}

const char *dap_string_argument(const json_t *request, const char *name)
{
    return json_string_value(dap_argument(request, name));
}

long long dap_integer_argument(const json_t *request, const char *name, long long otherwise)
{
    const json_t *v = dap_argument(request, name);
    return json_is_integer(v) ? (long long)json_integer_value(v) : otherwise;
}

bool dap_bool_argument(const json_t *request, const char *name, bool otherwise)
{
    const json_t *v = dap_argument(request, name);
    return json_is_boolean(v) ? json_is_true(v) : otherwise;
}

/* ---- requests that set up and end a session ---- */

static void initialize(hack_dap_server *s, const json_t *request)
{
    s->line_base = dap_bool_argument(request, "linesStartAt1", true) ? 1 : 0;
    s->column_base = dap_bool_argument(request, "columnsStartAt1", true) ? 1 : 0;
    json_t *filters = json_pack("[{s:s, s:s, s:s, s:b}]", "filter", "heap", "label", "Heap check findings",
                                "description", "Stop where the heap check (\"checkHeap\": true) finds a bad access",
                                "default", true);
    json_t *body = json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:o}",
                             "supportsConfigurationDoneRequest", true, "supportsFunctionBreakpoints", true,
                             "supportsConditionalBreakpoints", true, "supportsHitConditionalBreakpoints", true,
                             "supportsLogPoints", true, "supportsEvaluateForHovers", true, "supportsSetVariable", true,
                             "supportsTerminateRequest", true, "supportsExceptionInfoRequest", true,
                             "supportsSteppingGranularity", true, "supportsDelayedStackTraceLoading", true,
                             "exceptionBreakpointFilters", filters);
    dap_respond(s, request, body);
    /* the `initialized` event, which lets the client send its breakpoints, comes with launch: they are set
     * on the program's lines as soon as they arrive */
}

static void set_exception_breakpoints(hack_dap_server *s, const json_t *request)
{
    const json_t *filters = dap_argument(request, "filters");
    s->heap_stops = false;
    size_t i;
    const json_t *filter;
    json_array_foreach(filters, i, filter) if (json_is_string(filter) && strcmp(json_string_value(filter), "heap") == 0)
        s->heap_stops = true;
    dap_respond(s, request, NULL);
}

static void configuration_done(hack_dap_server *s, const json_t *request)
{
    dap_respond(s, request, NULL);
    if (s->configured) return;
    s->configured = true;
    if (s->launched) dap_start(s);
}

static void terminate(hack_dap_server *s, const json_t *request)
{
    dap_respond(s, request, NULL);
    s->op = DAP_OP_NONE;
    dap_end(s);
}

static void disconnect(hack_dap_server *s, const json_t *request)
{
    dap_respond(s, request, NULL);
    s->op = DAP_OP_NONE;
    s->done = true;
}

typedef struct {
    const char *command;
    void (*handle)(hack_dap_server *s, const json_t *request);
    bool needs_program; /* answered only after a launch */
    bool while_running; /* answered while the program runs (else: an error) */
} request_handler;

static void next(hack_dap_server *s, const json_t *request)
{
    const char *granularity = dap_string_argument(request, "granularity");
    dap_resume(s, request, granularity && strcmp(granularity, "instruction") == 0 ? DAP_OP_INSTRUCTION : DAP_OP_STEP_OVER);
}

static void step_in(hack_dap_server *s, const json_t *request)
{
    const char *granularity = dap_string_argument(request, "granularity");
    dap_resume(s, request, granularity && strcmp(granularity, "instruction") == 0 ? DAP_OP_INSTRUCTION : DAP_OP_STEP_IN);
}

static void step_out(hack_dap_server *s, const json_t *request)
{
    dap_resume(s, request, DAP_OP_STEP_OUT);
}

static void continue_request(hack_dap_server *s, const json_t *request)
{
    dap_resume(s, request, DAP_OP_CONTINUE);
}

static const request_handler handlers[] = {
    {"initialize", initialize, false, true},
    {"launch", dap_launch, false, true},
    {"setBreakpoints", dap_set_breakpoints, false, true},
    {"setFunctionBreakpoints", dap_set_function_breakpoints, false, true},
    {"setExceptionBreakpoints", set_exception_breakpoints, false, true},
    {"configurationDone", configuration_done, false, true},
    {"threads", dap_threads, false, true},
    {"pause", dap_pause, true, true},
    {"continue", continue_request, true, true},
    {"next", next, true, false},
    {"stepIn", step_in, true, false},
    {"stepOut", step_out, true, false},
    {"stackTrace", dap_stack_trace, true, false},
    {"scopes", dap_scopes, true, false},
    {"variables", dap_variables, true, false},
    {"setVariable", dap_set_variable, true, false},
    {"evaluate", dap_evaluate, true, false},
    {"exceptionInfo", dap_exception_info, true, false},
    {"source", dap_source, true, true},
    {"terminate", terminate, false, true},
    {"disconnect", disconnect, false, true},
};

static void handle(hack_dap_server *s, const char *body, size_t length)
{
    json_error_t error;
    json_t *message = json_loadb(body, length, JSON_REJECT_DUPLICATES, &error);
    if (!message) {
        char text[300];
        snprintf(text, sizeof text, "hackemu --dap: a message that is not JSON (line %d, column %d: %s): ignored",
                 error.line, error.column, error.text);
        dap_output(s, "stderr", text);
        return;
    }
    const char *type = json_string_value(json_object_get(message, "type"));
    const char *command = json_string_value(json_object_get(message, "command"));
    const json_t *arguments = json_object_get(message, "arguments");
    if (!json_is_object(message) || !type || strcmp(type, "request") != 0 ||
        !json_is_integer(json_object_get(message, "seq"))) {
        /* responses to reverse requests and events from the client: none are asked for */
        if (!type || strcmp(type, "response") != 0)
            dap_output(s, "stderr", "hackemu --dap: a message that is no request (type, seq, command): ignored");
    } else if (!command) {
        dap_fail(s, message, "a request without a command");
    } else if (arguments && !json_is_object(arguments)) {
        dap_fail(s, message, "%s: its arguments are not an object", command);
    } else {
        const request_handler *h = NULL;
        for (size_t i = 0; i < sizeof handlers / sizeof handlers[0] && !h; i++)
            if (strcmp(handlers[i].command, command) == 0) h = &handlers[i];
        if (!h)
            dap_fail(s, message, "hackemu does not know the request '%s'", command);
        else if (h->needs_program && !s->debugger)
            dap_fail(s, message, "%s: no program is loaded (launch first)", command);
        else if (!h->while_running && s->op != DAP_OP_NONE)
            dap_fail(s, message, "%s: the program is running (pause first)", command);
        else
            h->handle(s, message);
    }
    json_decref(message);
}

/* ---- the server ---- */

hack_dap_server *hack_dap_server_create(const hack_dap_options *options)
{
    hack_dap_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->options = *options;
    s->line_base = s->column_base = 1;
    s->next_breakpoint_id = 1;
    s->heap_stops = true;
    hack_dap_reader_init(&s->reader);
    hack_strbuf_init(&s->engine_text);
    return s;
}

void hack_dap_server_free(hack_dap_server *s)
{
    if (!s) return;
    dap_unload(s);
    dap_free_breakpoints(s);
    hack_dap_reader_free(&s->reader);
    hack_strbuf_free(&s->engine_text);
    free(s);
}

void hack_dap_server_feed(hack_dap_server *s, const char *bytes, size_t length)
{
    if (!hack_dap_reader_add(&s->reader, bytes, length)) {
        dap_output(s, "stderr", "hackemu --dap: out of memory reading a message");
        return;
    }
    for (;;) {
        if (s->done) return;
        const char *body;
        size_t body_length;
        char error[200];
        hack_dap_read read = hack_dap_reader_next(&s->reader, &body, &body_length, error, sizeof error);
        if (read == HACK_DAP_READ_NONE) return;
        if (read == HACK_DAP_READ_ERROR) {
            char text[260];
            snprintf(text, sizeof text, "hackemu --dap: %s", error);
            dap_output(s, "stderr", text);
            continue;
        }
        handle(s, body, body_length);
    }
}

bool hack_dap_server_busy(const hack_dap_server *s)
{
    return !s->done && s->op != DAP_OP_NONE;
}

void hack_dap_server_work(hack_dap_server *s, uint64_t budget)
{
    if (hack_dap_server_busy(s)) dap_work(s, budget);
}

bool hack_dap_server_done(const hack_dap_server *s)
{
    return s->done;
}

void hack_dap_server_end(hack_dap_server *s)
{
    s->op = DAP_OP_NONE;
    s->done = true;
}

/* ---- over file descriptors ---- */

static bool write_all(void *context, const char *bytes, size_t length)
{
    int fd = *(const int *)context;
    while (length) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes += n;
        length -= (size_t)n;
    }
    return true;
}

/* Instructions run between two looks at the input: a few milliseconds. */
enum { SLICE = 1 << 20 };

int hack_dap_serve(int in, int out)
{
    hack_dap_options options = {write_all, &out, NULL};
    hack_dap_server *s = hack_dap_server_create(&options);
    if (!s) return 1;
    char buffer[65536];
    while (!hack_dap_server_done(s)) {
        struct pollfd p = {in, POLLIN, 0};
        int ready = poll(&p, 1, hack_dap_server_busy(s) ? 0 : -1);
        if (ready < 0 && errno != EINTR) break;
        if (ready > 0) {
            ssize_t n = read(in, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                hack_dap_server_end(s);
                break;
            }
            hack_dap_server_feed(s, buffer, (size_t)n);
        }
        hack_dap_server_work(s, SLICE);
    }
    const bool failed = s->write_failed;
    hack_dap_server_free(s);
    return failed ? 1 : 0;
}
