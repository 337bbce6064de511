/* The Jack OS the project ships: its classes' Jack source (os/jack, built into the tools), and what links
 * them into a program that lacks them. */
#ifndef HACK_OS_H
#define HACK_OS_H

#include <stddef.h>

typedef struct {
    const char *name; /* the class: "Memory", "Sys", ... */
    const char *source;
    size_t length;
} hack_os_class;

extern const hack_os_class hack_os_classes[];
extern const size_t hack_os_class_count;

/* The class named name, or NULL. */
const hack_os_class *hack_os_find_class(const char *name);

#endif
