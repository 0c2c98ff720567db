/* _splitpath, _makepath and _fullpath, narrow and wide (the bodies in stdlib_path_t.h). */
#include "libc.h"

#define CH char
#define N(narrow, wide) narrow
#define P(name) narrow_##name
#define FULLPATH GetFullPathNameA
#include "stdlib_path_t.h"
#undef CH
#undef N
#undef P
#undef FULLPATH

#define CH wchar_t
#define N(narrow, wide) wide
#define P(name) wide_##name
#define FULLPATH GetFullPathNameW
#include "stdlib_path_t.h"
