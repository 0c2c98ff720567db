/* _splitpath, _makepath, _fullpath and _searchenv, narrow and wide (the bodies in stdlib_path_t.h). */
#include "libc.h"

char *CRT_EXPORT getenv(const char *name);
wchar_t *CRT_EXPORT _wgetenv(const wchar_t *name);

#define CH char
#define N(narrow, wide) narrow
#define P(name) narrow_##name
#define FULLPATH GetFullPathNameA
#define ATTRIBUTES GetFileAttributesA
#include "stdlib_path_t.h"
#undef CH
#undef N
#undef P
#undef FULLPATH
#undef ATTRIBUTES

#define CH wchar_t
#define N(narrow, wide) wide
#define P(name) wide_##name
#define FULLPATH GetFullPathNameW
#define ATTRIBUTES GetFileAttributesW
#include "stdlib_path_t.h"
