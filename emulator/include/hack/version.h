/* The line every tool's --version prints, e.g. "hackemu 0.1.0 (hack-computer)": the version is the CMake
 * project's (HACK_VERSION, defined for every source by the top CMakeLists.txt). */
#ifndef HACK_VERSION_H
#define HACK_VERSION_H

#ifndef HACK_VERSION
#define HACK_VERSION "unknown"
#endif

#define HACK_VERSION_LINE(tool) tool " " HACK_VERSION " (hack-computer)\n"

/* The exit status of every tool for a bad command line (no input, an unknown option): EX_USAGE. */
enum { HACK_EXIT_USAGE = 64 };

#endif
