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
    /* VM code as the course's VM emulator takes it (bootstrap, require_functions and add_os are then decided
     * here): a whole program (a folder, or code with Main.main) gets the OS classes it lacks, Sys included
     * when it has no Sys.init, and the bootstrap when asked for; a lone file without Sys.init or Main.main
     * (project 7 and 8 tests) runs as it is from its first command, with no OS and no bootstrap. */
    bool vm_emulator;
    unsigned os_added;       /* out: bit i set when hack_os_classes[i] was added */
    bool has_sys_init;       /* out: the program (with what was added) has Sys.init */
    bool bootstrapped;       /* out: the bootstrap was put in */
    bool machine_code;       /* out: the program is machine code (.hack or .asm; a folder's only one) */
} hack_build_options;

/* Collects the VM code of path (a .vm or .jack file, or a folder) into sources, compiling Jack where there
 * is no .vm: a .vm beside its .jack is taken as it is (it may be the output of the user's own compiler), with
 * a note when the .jack is newer. Notes say what was compiled on the user's behalf. */
bool hack_build_vm_sources(const char *path, hack_vm_sources *sources, hack_diag_list *diags);

/* The same with extra Jack classes (paths of files that do not exist, such as "(bench)/Check.jack") compiled as
 * part of the program: its calls to them are checked, and their VM code is added to sources. */
bool hack_build_vm_sources_with(const char *path, const hack_sources *extra, hack_vm_sources *sources,
                                hack_diag_list *diags);

/* Whether the sources define function name ("Sys.init"). */
bool hack_build_defines_function(const hack_vm_sources *sources, const char *name);

/* Builds path into program (initialised): a .hack, .asm, .vm or .jack file, a folder of .vm/.jack files, or a
 * folder whose only program is one .asm (or one .hack), with a note. */
bool hack_build_program(const char *path, hack_build_options *options, hack_program *program,
                        hack_diag_list *diags);

/* Adds to sources the OS classes (compiled from the Jack the tools carry) of which they call a function they
 * do not define, and those that these call in turn (with_sys: Sys too, for the bootstrap, unless the program
 * has its own Sys.init). Decided by functions, not file names: a class is added without the functions the
 * program defines (the program's own win, as with the course's VM emulator), and a Class.vm of the program's
 * own does not keep the OS's Class out. Returns false on errors: also when a function of the program's own
 * takes the place of one of the OS's that sets up what an OS function that is to run reads (the program's
 * Math.init, the OS's Math.sqrt), an error at the program's function. *added gets a bit per class added whole
 * (index in hack_os_classes): the project's OS, which hackemu may run natively; a note in diags names the
 * classes added, and the program's own functions kept in their place. */
bool hack_build_add_os(hack_vm_sources *sources, bool with_sys, unsigned *added, hack_diag_list *diags);

/* The same for a grader: a class the program defines any function of (or has a file of) is its own, whole;
 * what it lacks of it is not filled in (calls to it are errors where they are). */
bool hack_build_add_os_whole_classes(hack_vm_sources *sources, bool with_sys, unsigned *added,
                                     hack_diag_list *diags);

/* Records in program (hack_program.project_os, kept in its .sym) which OS classes the tools added: bit i of
 * os_added is hack_os_classes[i]. False when memory ran out. */
bool hack_build_mark_project_os(hack_program *program, unsigned os_added);

/* Whether path is a folder holding .vm or .jack files. */
bool hack_build_is_program_folder(const char *path);

#endif
