/* From what a user points at to a program image: a .hack, an .asm, a .vm file, a .jack file, or a folder of
 * .vm and .jack files (each .jack compiled in memory when it has no .vm or is newer than its .vm; nothing is
 * written to the folder). */
#ifndef HACK_BUILD_H
#define HACK_BUILD_H

#include "hack/diag.h"
#include "hack/program.h"
#include "hack/vm.h"

#include <stdbool.h>

typedef struct {
    bool bootstrap;          /* VM code: start with SP = 256, call Sys.init */
    bool require_functions;  /* VM code: every function called must exist (a whole program) */
    bool add_os;             /* VM code: add each class of the project's Jack OS that the program lacks */
    unsigned os_added;       /* out: bit i set when hack_os_classes[i] was added */
} hack_build_options;

/* Collects the VM code of path (a .vm or .jack file, or a folder) into sources, compiling Jack as needed. */
bool hack_build_vm_sources(const char *path, hack_vm_sources *sources, hack_diag_list *diags);

/* Builds path into program (initialised). */
bool hack_build_program(const char *path, hack_build_options *options, hack_program *program,
                        hack_diag_list *diags);

/* Adds to sources the OS classes (compiled from the Jack the tools carry) that they call but do not define,
 * and those that these call in turn (with_sys: Sys too, for the bootstrap); returns false on errors. *added gets a bit per class added (index in
 * hack_os_classes). */
bool hack_build_add_os(hack_vm_sources *sources, bool with_sys, unsigned *added, hack_diag_list *diags);

/* Whether path is a folder holding .vm or .jack files. */
bool hack_build_is_program_folder(const char *path);

#endif
