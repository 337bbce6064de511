/* A tool's command line read from one table: each option's names, the kind and range of its value, its help
 * text and where the value goes. The parser (getopt_long underneath) and the usage text are both made from the
 * table, so a new option is one row (and the variable it sets, and its use), never a parser branch and a usage
 * line kept in step by hand. The parser prints nothing and never exits: it says what to do (run, show the
 * help, show the version) or what was wrong, for the tool to print. */
#ifndef HACK_CLI_OPTIONS_H
#define HACK_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    HACK_CLI_END = 0,  /* ends the table (a row of {0}) */
    HACK_CLI_TEXT,     /* not an option: help is a line (or lines) of the usage as it is, a heading or a note */
    HACK_CLI_SEE,      /* not parsed: one more usage row for an option (name, arg, help), as another part of the
                          usage tells its use there (hackemu's --cycles for the window and for scripts), or an
                          option the tool handles before parsing */
    HACK_CLI_FLAG,     /* *flag = true */
    HACK_CLI_SET,      /* *integer = value (--bootstrap 1, --no-bootstrap 0) */
    HACK_CLI_STRING,   /* *string = the value, refused when check says so */
    HACK_CLI_LIST,     /* the value appended to items (repeatable, at most capacity times) */
    HACK_CLI_U64,      /* *u64 = a whole number from min to max */
    HACK_CLI_INT,      /* *integer = a whole number from min to max (max at most INT_MAX) */
    HACK_CLI_SECONDS,  /* *seconds = a number (a fraction allowed) from min to max */
    HACK_CLI_CHOICE,   /* *integer = the value of the choice named (choices) */
    HACK_CLI_OPERANDS, /* the arguments that are not options, into items; arg names one in messages ("program") */
    HACK_CLI_HELP,     /* the parser answers HACK_CLI_SHOW_HELP */
    HACK_CLI_VERSION   /* the parser answers HACK_CLI_SHOW_VERSION */
} hack_cli_kind;

/* One value of a HACK_CLI_CHOICE option. The list ends with a {0} entry. A choice with bare set is the option
 * given without a value (--check-heap beside --check-heap=no-leaks): the value is then optional. */
typedef struct {
    const char *name;
    int value;
    const char *help; /* when the choices have help, the usage has a row per choice (--os=native, --os=jack) */
    bool bare;
} hack_cli_choice;

typedef struct {
    const char *name;   /* the long name without "--" (NULL: none) */
    char short_name;    /* the one-letter name (0: none) */
    hack_cli_kind kind;
    const char *arg;    /* the value's name in the usage: "N", "FILE" (shown "--name FILE"), "=POLICY" (shown
                           "--name=POLICY") */
    const char *help;   /* the usage's text; '\n' starts another line at the help column (NULL: no row) */
    /* where the value goes, by kind */
    bool *flag;
    int *integer;
    int value;           /* HACK_CLI_SET */
    uint64_t *u64;
    double *seconds;
    const char **string;
    const char **items;  /* HACK_CLI_LIST, HACK_CLI_OPERANDS: capacity of them, *count used */
    int *count;
    int capacity;
    uint64_t min, max;   /* HACK_CLI_U64, HACK_CLI_INT, HACK_CLI_SECONDS */
    const hack_cli_choice *choices;
    /* HACK_CLI_STRING: false refuses the value, why (size bytes) saying why, after "--name: " */
    bool (*check)(const char *value, char *why, size_t size);
    bool *seen;          /* set when the option is given, whatever its kind */
} hack_cli_option;

typedef struct {
    const char *usage;              /* the usage's first lines: "usage: tool ...", what the tool does */
    const hack_cli_option *options; /* the table, in the usage's order, ended by a {0} row */
    int column;                     /* where the options' help starts in the usage (hackemu 22) */
} hack_cli_spec;

typedef enum { HACK_CLI_RUN, HACK_CLI_SHOW_HELP, HACK_CLI_SHOW_VERSION, HACK_CLI_ERROR } hack_cli_action;

/* Reads argv[1..argc-1] into the table's variables, in order (options and operands may be mixed; "--" ends
 * the options). Numbers are checked whole and against their range ("12abc", "-5" are refused); an unknown
 * option is named, with the nearest one when it looks like a misspelling. HACK_CLI_ERROR puts the message in
 * error (size bytes, without the tool's name: "--scale takes a whole number from 1 to 8, not 'abc'").
 * Help and version are answered as soon as they are met. Uses getopt_long's globals: one parse at a time. */
hack_cli_action hack_cli_parse(const hack_cli_spec *spec, int argc, char **argv, char *error, size_t size);

/* The usage text: spec->usage, then a row per option (and the text rows) in the table's order. The caller
 * frees it; NULL when memory ran out. */
char *hack_cli_usage(const hack_cli_spec *spec);

/* Writes the usage to out (as hack_diag_list_print writes diagnostics); false when memory ran out. */
bool hack_cli_write_usage(const hack_cli_spec *spec, FILE *out);

/* A tool's command line as hackasm, jackc and hackvm answer it: parsed; --help writes the usage to stdout,
 * --version the tool's version line; an error (named after the tool) or a missing operand (*operand still NULL
 * after the parse) writes the usage to stderr. Returns -1 when the tool is to go on, else its exit status (0, 1
 * when the usage could not be written, HACK_EXIT_USAGE). */
int hack_cli_parse_tool(const hack_cli_spec *spec, int argc, char **argv, const char *tool,
                        const char *const *operand);

/* A whole number in min..max, written in decimal digits only (no sign, no blanks, nothing after): "12abc",
 * "-5", "" and numbers past 2^64 - 1 are refused. */
bool hack_cli_whole_number(const char *text, uint64_t min, uint64_t max, uint64_t *value);

#endif
