/* Text that the program prints through Output, mirrored to the host a line at a time: observe hooks on
 * Output.printChar, Output.println and Output.backSpace (so it works with the Jack Output and a native one). */
#ifndef HACK_OUTPUT_MIRROR_H
#define HACK_OUTPUT_MIRROR_H

#include "hack/machine.h"
#include "hack/program.h"

typedef struct hack_output_mirror hack_output_mirror;

/* line: the text of one line, without its newline. NULL when the program has no Output.printChar. */
hack_output_mirror *hack_output_mirror_bind(hack_machine *machine, const hack_program *program,
                                            void (*line)(void *context, const char *text), void *context);
/* A character printed by a native Output (128 newline, 129 backspace). */
void hack_output_mirror_put(hack_output_mirror *mirror, int c);

/* A mirror that only takes characters from hack_output_mirror_put (no hooks). */
hack_output_mirror *hack_output_mirror_create(void (*line)(void *context, const char *text), void *context);

/* Hands over what is left of the last line (if any) and frees the mirror. */
void hack_output_mirror_free(hack_output_mirror *mirror);

#endif
