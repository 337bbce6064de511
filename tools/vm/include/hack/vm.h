/* The VM translator: the course's stack-machine language (projects 7 and 8) to Hack assembly.
 *
 * The code follows the standard calling convention exactly (frame: return address, LCL, ARG, THIS, THAT;
 * ARG = SP - nArgs - 5; LCL = SP), so native hooks and code from other toolchains work with it. To keep whole
 * programs inside 32K of ROM it shares code: call, return and the comparisons are routines placed after the
 * program, and a function called from several places gets one small stub that sets up its calls. */
#ifndef HACK_VM_H
#define HACK_VM_H

#include "hack/diag.h"
#include "hack/program.h"
#include "hack/sources.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* VM sources: a file's base name without .vm names its statics (File.i). */
typedef hack_source hack_vm_source;
typedef hack_sources hack_vm_sources;

/* Reads File.vm, or every .vm file of a folder (in name order). Adds to sources. */
bool hack_vm_sources_read(hack_vm_sources *sources, const char *path, hack_diag_list *diags);
#define hack_vm_sources_add hack_sources_add
#define hack_vm_sources_free hack_sources_free
#define hack_vm_sources_remove hack_sources_remove

typedef struct {
    bool bootstrap;         /* start with SP = 256; call Sys.init */
    bool require_functions; /* every function called must be defined in the sources (a whole program) */
    bool suggest_os;        /* the OS will be added: a call not found may be a near miss of its API's names */
} hack_vm_options;

/* Where each line of the generated assembly came from. */
typedef struct {
    uint32_t line;         /* VM source line, 0 for the translator's own code */
    uint16_t file;         /* index into the sources */
    uint8_t command_start; /* the line starts a VM command */
    uint8_t command_end;   /* after this line's instruction the command is complete (return's last jump) */
    uint8_t is_function;   /* the line is a function's entry label */
    uint8_t routine;       /* a hack_routine: whose the translator's own code is, for call stacks */
    uint32_t jack_line;    /* the Jack line the VM command was compiled from (0: none): in the origin_path of
                              the source `file` */
} hack_vm_line_origin;

typedef struct {
    char *text; /* the assembly */
    size_t length;
    hack_vm_line_origin *origins; /* per assembly line (index = line - 1) */
    size_t line_count;
} hack_vm_assembly;

/* Translates sources into assembly. On errors (file:line:column) returns false. */
bool hack_vm_translate(const hack_vm_sources *sources, const hack_vm_options *options, hack_vm_assembly *assembly,
                       hack_diag_list *diags);
void hack_vm_assembly_free(hack_vm_assembly *assembly);

/* Translates and assembles into program (initialised), with its program map: function entries, statics,
 * and for every ROM word the VM command it came from. name is used for messages about the assembly. */
bool hack_vm_build(const hack_vm_sources *sources, const hack_vm_options *options, const char *name,
                   hack_program *program, hack_diag_list *diags);

/* The kind of a VM command, as a tool that steps through VM code needs it (the rest are OTHER). */
typedef enum {
    HACK_VM_COMMAND_OTHER,
    HACK_VM_COMMAND_LABEL,
    HACK_VM_COMMAND_FUNCTION,
    HACK_VM_COMMAND_GOTO,
    HACK_VM_COMMAND_IF_GOTO,
} hack_vm_command_kind;

/* One VM command as the translator's parser reads it. */
typedef struct {
    hack_vm_command_kind kind;
    const char *name; /* the name a label, function, goto, if-goto or call gives: in the source's text (not ended) */
    size_t name_length;
    uint16_t file;    /* index into the sources */
    uint32_t line;    /* 1-based */
    int function;     /* index in the list of the function command it is in (a function: its own); -1 before
                         the first function of its file */
} hack_vm_command;

typedef struct {
    hack_vm_command *items; /* the commands in order, source after source */
    size_t count;
} hack_vm_commands;

/* The commands of sources, read by the translator's parser (so as the translator reads them); syntax errors
 * go to diags (false). The names point into the sources' text: the list is used while they live. */
bool hack_vm_read_commands(const hack_vm_sources *sources, hack_vm_commands *commands, hack_diag_list *diags);
void hack_vm_commands_free(hack_vm_commands *commands);

#endif
