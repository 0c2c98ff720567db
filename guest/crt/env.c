/*
 * getenv, _putenv and their kin, narrow and wide (the bodies in env_t.h), over the arrays startup.c keeps
 * (_environ, _wenviron): _putenv changes the process environment and rebuilds both arrays from it, so getenv,
 * _wgetenv and GetEnvironmentVariable agree.
 */
#include "libc.h"

char ***CRT_EXPORT __p__environ(void);
wchar_t ***CRT_EXPORT __p__wenviron(void);
int CRT_EXPORT _strnicmp(const char *a, const char *b, size_t n);
int CRT_EXPORT _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n);

#define CH char
#define N(narrow, wide) narrow
#define P(name) narrow_##name
#define ENVIRON (*__p__environ())
#define LEN strlen
#define NICMP _strnicmp
#define SETENV SetEnvironmentVariableA
#include "env_t.h"
#undef CH
#undef N
#undef P
#undef ENVIRON
#undef LEN
#undef NICMP
#undef SETENV

#define CH wchar_t
#define N(narrow, wide) wide
#define P(name) wide_##name
#define ENVIRON (*__p__wenviron())
#define LEN wcslen
#define NICMP _wcsnicmp
#define SETENV SetEnvironmentVariableW
#include "env_t.h"
