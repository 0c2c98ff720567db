/*
 * shlwapi: the path functions, in both forms (paths_t.h): the pure string operations (PathCombine,
 * PathCanonicalize, PathAppend, PathRemoveFileSpec, PathFindFileName, PathFindExtension, the roots, the quotes
 * and the arguments of a command line) and the two that ask the file system, PathFileExists and PathIsDirectory.
 *
 * As Windows' shlwapi, these work on MAX_PATH buffers and take only '\' as the separator of components ('/' is
 * a separator only for PathFindFileName). None of them sets the last error, except PathCanonicalize, which
 * fails with ERROR_INVALID_PARAMETER (NULL argument) or ERROR_FILENAME_EXCED_RANGE (too long a path).
 */
#include "shlw.h"

CHAR *WINAPI StrChrA(const CHAR *s, WORD ch);
WCHAR *WINAPI StrChrW(const WCHAR *s, WCHAR ch);

#define CH char
#define F(name) name##A
#define S(text) text
#include "paths_t.h"
#undef CH
#undef F
#undef S

#define CH WCHAR
#define F(name) name##W
#define S(text) L##text
#include "paths_t.h"
