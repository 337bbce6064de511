/* The test-script language parsed: the commands of a .tst, each with its line and column, which the runner
 * (script.c) executes. Private to the library (and its unit test): the public API is hack/script.h. */
#ifndef HACK_SCRIPT_PARSE_H
#define HACK_SCRIPT_PARSE_H

#include "hack/script.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SCRIPT_VAR_A, SCRIPT_VAR_D, SCRIPT_VAR_PC, SCRIPT_VAR_RAM, SCRIPT_VAR_ROM, SCRIPT_VAR_TIME,
    /* the VM emulator's: segment pointers are RAM[0..4]; segment[i] go through them */
    SCRIPT_VAR_LOCAL_I, SCRIPT_VAR_ARGUMENT_I, SCRIPT_VAR_THIS_I, SCRIPT_VAR_THAT_I, SCRIPT_VAR_CURRENT_FUNCTION,
    SCRIPT_VAR_LINE,
} script_variable_kind;

typedef struct {
    script_variable_kind kind;
    uint16_t index; /* RAM[i], ROM[i] */
} script_variable;

typedef struct {
    script_variable var;
    char *name; /* as written, for the header */
    hack_script_format format;
} script_output_item;

typedef enum { SCRIPT_OP_EQ, SCRIPT_OP_NE, SCRIPT_OP_LT, SCRIPT_OP_LE, SCRIPT_OP_GT, SCRIPT_OP_GE } script_comparison;

typedef enum {
    SCRIPT_CMD_LOAD,
    SCRIPT_CMD_OUTPUT_FILE,
    SCRIPT_CMD_COMPARE_TO,
    SCRIPT_CMD_OUTPUT_LIST,
    SCRIPT_CMD_OUTPUT,
    SCRIPT_CMD_SET,
    SCRIPT_CMD_TICK,
    SCRIPT_CMD_TOCK,
    SCRIPT_CMD_TICKTOCK,
    SCRIPT_CMD_VMSTEP,
    SCRIPT_CMD_ECHO,
    SCRIPT_CMD_CLEAR_ECHO,
    SCRIPT_CMD_BREAKPOINT,
    SCRIPT_CMD_CLEAR_BREAKPOINTS,
    SCRIPT_CMD_REPEAT,
    SCRIPT_CMD_WHILE,
} script_command_kind;

typedef struct script_command script_command;
struct script_command {
    script_command_kind kind;
    int line, column;
    char *text; /* file name or echo text */
    script_variable var;
    int32_t value;
    script_comparison op;
    script_output_item *items;
    size_t item_count;
    uint64_t count; /* repeat: times; 0 = forever */
    bool forever;
    script_command *body;
    size_t body_count;
};

/* A parsed script: its commands in order, a loop's body inside its command; name is the file's, of every
 * location (name:line:column) */
struct hack_script {
    char *name;
    script_command *commands;
    size_t command_count;
};


#endif
