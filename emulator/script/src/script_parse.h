/* The test-script language parsed: the commands of a .tst, each with its line and column, which the runner
 * (script.c) executes. Private to the library (and its unit test): the public API is hack/script.h. */
#ifndef HACK_SCRIPT_PARSE_H
#define HACK_SCRIPT_PARSE_H

#include "hack/script.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    VAR_A, VAR_D, VAR_PC, VAR_RAM, VAR_ROM, VAR_TIME,
    /* the VM emulator's: segment pointers are RAM[0..4]; segment[i] go through them */
    VAR_LOCAL_I, VAR_ARGUMENT_I, VAR_THIS_I, VAR_THAT_I, VAR_CURRENT_FUNCTION, VAR_LINE,
} variable_kind;

typedef struct {
    variable_kind kind;
    uint16_t index; /* RAM[i], ROM[i] */
} variable;

typedef struct {
    variable var;
    char *name; /* as written, for the header */
    hack_script_format format;
} output_item;

typedef enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } comparison;

typedef enum {
    CMD_LOAD,
    CMD_OUTPUT_FILE,
    CMD_COMPARE_TO,
    CMD_OUTPUT_LIST,
    CMD_OUTPUT,
    CMD_SET,
    CMD_TICK,
    CMD_TOCK,
    CMD_TICKTOCK,
    CMD_VMSTEP,
    CMD_ECHO,
    CMD_CLEAR_ECHO,
    CMD_BREAKPOINT,
    CMD_CLEAR_BREAKPOINTS,
    CMD_REPEAT,
    CMD_WHILE,
} command_kind;

typedef struct command command;
struct command {
    command_kind kind;
    int line, column;
    char *text; /* file name or echo text */
    variable var;
    int32_t value;
    comparison op;
    output_item *items;
    size_t item_count;
    uint64_t count; /* repeat: times; 0 = forever */
    bool forever;
    command *body;
    size_t body_count;
};

/* A parsed script: its commands in order, a loop's body inside its command; name is the file's, of every
 * location (name:line:column) */
struct hack_script {
    char *name;
    command *commands;
    size_t command_count;
};


#endif
