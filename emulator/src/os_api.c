#include "hack/os_api.h"

#include <string.h>

#define F HACK_OS_FUNCTION
#define M HACK_OS_METHOD
#define C HACK_OS_CONSTRUCTOR

const hack_os_subroutine hack_os_api[] = {
    {"Math", "init", F, 0, true},          {"Math", "abs", F, 1, false},
    {"Math", "multiply", F, 2, false},     {"Math", "divide", F, 2, false},
    {"Math", "min", F, 2, false},          {"Math", "max", F, 2, false},
    {"Math", "sqrt", F, 1, false},
    {"String", "new", C, 1, false},        {"String", "dispose", M, 0, true},
    {"String", "length", M, 0, false},     {"String", "charAt", M, 1, false},
    {"String", "setCharAt", M, 2, true},   {"String", "appendChar", M, 1, false},
    {"String", "eraseLastChar", M, 0, true}, {"String", "intValue", M, 0, false},
    {"String", "setInt", M, 1, true},      {"String", "backSpace", F, 0, false},
    {"String", "doubleQuote", F, 0, false}, {"String", "newLine", F, 0, false},
    {"Array", "new", F, 1, false},         {"Array", "dispose", M, 0, true},
    {"Output", "init", F, 0, true},        {"Output", "moveCursor", F, 2, true},
    {"Output", "printChar", F, 1, true},   {"Output", "printString", F, 1, true},
    {"Output", "printInt", F, 1, true},    {"Output", "println", F, 0, true},
    {"Output", "backSpace", F, 0, true},
    {"Screen", "init", F, 0, true},        {"Screen", "clearScreen", F, 0, true},
    {"Screen", "setColor", F, 1, true},    {"Screen", "drawPixel", F, 2, true},
    {"Screen", "drawLine", F, 4, true},    {"Screen", "drawRectangle", F, 4, true},
    {"Screen", "drawCircle", F, 3, true},
    {"Keyboard", "init", F, 0, true},      {"Keyboard", "keyPressed", F, 0, false},
    {"Keyboard", "readChar", F, 0, false}, {"Keyboard", "readLine", F, 1, false},
    {"Keyboard", "readInt", F, 1, false},
    {"Memory", "init", F, 0, true},        {"Memory", "peek", F, 1, false},
    {"Memory", "poke", F, 2, true},        {"Memory", "alloc", F, 1, false},
    {"Memory", "deAlloc", F, 1, true},
    {"Memory", "defrag", F, 0, true},      {"Memory", "largestFree", F, 0, false}, /* the project's own */
    {"Sys", "init", F, 0, true},           {"Sys", "halt", F, 0, true},
    {"Sys", "error", F, 1, true},          {"Sys", "wait", F, 1, true},
};

const size_t hack_os_api_count = sizeof hack_os_api / sizeof hack_os_api[0];

bool hack_os_api_has_class(const char *name, size_t length)
{
    for (size_t i = 0; i < hack_os_api_count; i++)
        if (strlen(hack_os_api[i].class_name) == length && memcmp(hack_os_api[i].class_name, name, length) == 0)
            return true;
    return false;
}
