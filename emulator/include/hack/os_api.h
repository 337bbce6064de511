/* The OS's API as the course documents it (the book's appendix, project 12's Jack files), with the two
 * functions the project's Memory adds: each subroutine's class, name, kind and number of parameters. jackc
 * checks calls to OS classes against it, and the tools suggest its names for near misses. */
#ifndef HACK_OS_API_H
#define HACK_OS_API_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { HACK_OS_FUNCTION, HACK_OS_METHOD, HACK_OS_CONSTRUCTOR } hack_os_kind;

typedef struct {
    const char *class_name, *name;
    hack_os_kind kind;
    int parameters; /* without a method's object */
    bool returns_void;
} hack_os_subroutine;

extern const hack_os_subroutine hack_os_api[];
extern const size_t hack_os_api_count;

/* Whether name is one of the OS's classes (Math, String, Array, Output, Screen, Keyboard, Memory, Sys). */
bool hack_os_api_has_class(const char *name, size_t length);

#endif
