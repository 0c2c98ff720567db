/*
 * strtol and its family, the a-to-i functions and _itoa and its family, narrow and wide (the bodies in
 * conv_t.h). Blanks are the current locale's spaces for bytes, iswspace's for wide characters.
 */
#include "libc.h"

int CRT_EXPORT isspace(int c);
int CRT_EXPORT iswspace(unsigned short c);

#define CH char
#define N(narrow, wide) narrow
#define P(name) narrow_##name
#define IS_SPACE(c) isspace((unsigned char)(c))
#include "conv_t.h"
#undef CH
#undef N
#undef P
#undef IS_SPACE

#define CH wchar_t
#define N(narrow, wide) wide
#define P(name) wide_##name
#define IS_SPACE(c) iswspace(c)
#include "conv_t.h"
