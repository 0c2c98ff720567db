// build: gcc -D__USE_MINGW_ANSI_STDIO=0
/* printf_floats.c built with -D__USE_MINGW_ANSI_STDIO=0: printf is msvcrt.dll's own, not the toolchain's C99
 * formatter, and its output is what Windows' msvcrt.dll prints (printf_floats_msvcrt.out). */
#include "printf_floats.c"
