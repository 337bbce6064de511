/* The Debug Adapter Protocol server's input: any bytes, as `hackemu --dap` reads them from its client, in
 * pieces of the sizes the input's first byte chooses (a message split anywhere, or several in one read), with
 * the program run a bounded number of slices between pieces as the server loop runs it. Every launch runs one
 * fixed program (tests/dap/Shapes: objects, an array, a string, printed text, a Sys.error), whatever path the
 * input names. Checks: no crash, no memory error, no leak, no endless run; everything the server writes is a
 * framed message ("Content-Length: N\r\n\r\n" and N bytes) of JSON, an object with seq and type, and every
 * response names the request it answers. */
#include "fuzz.h"

#include "hack/dap.h"

#include <jansson.h>

#ifndef FUZZ_DAP_PROGRAM
#define FUZZ_DAP_PROGRAM "tests/dap/Shapes"
#endif

enum { MAX_SLICES = 64, SLICE = 1 << 16 };

/* Checks one framed message written by the server. */
FUZZ_NO_COVERAGE static bool check_message(void *context, const char *bytes, size_t length)
{
    (void)context;
    static const char prefix[] = "Content-Length: ";
    FUZZ_CHECK(length > sizeof prefix && memcmp(bytes, prefix, sizeof prefix - 1) == 0);
    char *end;
    unsigned long body = strtoul(bytes + sizeof prefix - 1, &end, 10);
    FUZZ_CHECK(end[0] == '\r' && end[1] == '\n' && end[2] == '\r' && end[3] == '\n');
    size_t header = (size_t)(end + 4 - bytes);
    FUZZ_CHECK(header + body == length);
    json_error_t error;
    json_t *message = json_loadb(bytes + header, body, 0, &error);
    FUZZ_CHECK(json_is_object(message));
    const char *type = json_string_value(json_object_get(message, "type"));
    FUZZ_CHECK(type && json_is_integer(json_object_get(message, "seq")));
    if (strcmp(type, "response") == 0)
        FUZZ_CHECK(json_is_integer(json_object_get(message, "request_seq")) &&
                   json_is_boolean(json_object_get(message, "success")) &&
                   json_is_string(json_object_get(message, "command")));
    else
        FUZZ_CHECK(strcmp(type, "event") == 0 && json_is_string(json_object_get(message, "event")));
    json_decref(message);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hack_dap_options options = {check_message, NULL, FUZZ_DAP_PROGRAM};
    hack_dap_server *server = hack_dap_server_create(&options);
    if (!server) return 0;
    /* the first byte: how the rest is cut (1..64 bytes a piece, or all at once) */
    size_t piece = size ? (data[0] & 63u) + 1 : 1;
    if (size && (data[0] & 64u)) piece = size;
    const char *bytes = (const char *)data + (size ? 1 : 0);
    size_t left = size ? size - 1 : 0;
    while (left && !hack_dap_server_done(server)) {
        size_t n = left < piece ? left : piece;
        hack_dap_server_feed(server, bytes, n);
        bytes += n;
        left -= n;
        for (int i = 0; i < MAX_SLICES && hack_dap_server_busy(server); i++) hack_dap_server_work(server, SLICE);
    }
    hack_dap_server_end(server);
    hack_dap_server_free(server);
    return 0;
}
