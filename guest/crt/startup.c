/*
 * Start-up and shutdown as both Microsoft CRTs do them: the command line split into argv by each DLL's rule, the
 * environment as arrays, the initialiser tables (_initterm), the onexit tables (atexit, _onexit,
 * _register_onexit_function), and exit: the registered functions in reverse order, the streams flushed, then
 * ExitProcess. The DLL's entry point (crt_dll_main) fills the data a program reads at start-up (_acmdln, _pgmptr,
 * the standard streams) and, when a program ends through ExitProcess without exit, runs _cexit as msvcrt.dll does
 * (the UCRT only flushes the streams).
 */
#include "crt.h"

typedef void (__cdecl *vfunc_t)(void);
typedef int (__cdecl *ifunc_t)(void);
typedef int (__cdecl *onexit_t)(void);

/* The data programs import (exports/startup.def marks them DATA). */
char *_acmdln;
wchar_t *_wcmdln;
int __argc;
char **__argv;
wchar_t **__wargv;
char **_environ;
wchar_t **_wenviron;
char **__initenv;
wchar_t **__winitenv;
int _fmode;
int _commode;
char *_pgmptr;
wchar_t *_wpgmptr;
int __app_type;

/* ucrt's onexit table, as _register_onexit_function takes it. */
typedef struct {
    vfunc_t *first, *last, *end;
} onexit_table_t;

static onexit_table_t atexit_table, quick_exit_table;
static int exiting;                                  /* exit or _cexit began: the tables run once */
static int terminated;                               /* ExitProcess comes next; the entry point runs nothing */

/* --- the command line ----------------------------------------------------------------------------------- */

/*
 * Splits a command line as the CRTs do: the program name up to the next quote (when it starts with one) or space,
 * with no backslash rule; then arguments separated by spaces and tabs, where 2n backslashes before a quote give n
 * backslashes and the quote toggles quoting, 2n+1 give n and a literal quote, and other backslashes are literal.
 * A "" inside quotes is a literal quote; msvcrt.dll (the Visual C++ 6 rule) then leaves quoting, ucrtbase (the
 * rule since 2008) stays in it. With argv NULL only counts: *argc (with the final NULL) and *chars (with NULs).
 * Written once for both widths through the CH type of cmdline_t.h.
 */
#define CH char
#define F(name) name##_a
#include "cmdline_t.h"
#undef CH
#undef F
#define CH wchar_t
#define F(name) name##_w
#include "cmdline_t.h"
#undef CH
#undef F

/* --- the environment ------------------------------------------------------------------------------------ */

/* The process environment as a NULL-terminated array of "NAME=value" strings, in one allocation with the strings
 * after the pointers; the "=C:=C:\..." entries of the current directories left out, as the CRTs leave them. */
static wchar_t **wide_environment(void)
{
    wchar_t *block = GetEnvironmentStringsW(), *s;
    size_t count = 0, chars = 0;
    wchar_t **env, *out;

    if (!block)
        return NULL;
    for (s = block; *s; s += lstrlenW(s) + 1)
        if (*s != L'=') {
            count++;
            chars += lstrlenW(s) + 1;
        }
    env = crt_alloc((count + 1) * sizeof *env + chars * sizeof(wchar_t));
    if (env) {
        out = (wchar_t *)(env + count + 1);
        count = 0;
        for (s = block; *s; s += lstrlenW(s) + 1)
            if (*s != L'=') {
                env[count++] = out;
                lstrcpyW(out, s);
                out += lstrlenW(s) + 1;
            }
        env[count] = NULL;
    }
    FreeEnvironmentStringsW(block);
    return env;
}

/* The same in the ANSI code page. */
static char **narrow_environment(wchar_t **wide)
{
    size_t count = 0, bytes = 0;
    char **env, *out;
    int n;

    if (!wide)
        return NULL;
    for (; wide[count]; count++)
        bytes += WideCharToMultiByte(CP_ACP, 0, wide[count], -1, NULL, 0, NULL, NULL);
    env = crt_alloc((count + 1) * sizeof *env + bytes);
    if (!env)
        return NULL;
    out = (char *)(env + count + 1);
    for (size_t i = 0; i < count; i++) {
        env[i] = out;
        n = WideCharToMultiByte(CP_ACP, 0, wide[i], -1, out, (int)bytes, NULL, NULL);
        out += n;
        bytes -= n;
    }
    env[count] = NULL;
    return env;
}

void crt_environ_refresh(void)
{
    wchar_t **wide = wide_environment();
    char **narrow = narrow_environment(wide);

    if (!wide || !narrow) {
        crt_free(wide);
        crt_free(narrow);
        return;
    }
    /* The start-up arrays (__initenv) stay as main received them; later ones are replaced. */
    if (_wenviron != __winitenv)
        crt_free(_wenviron);
    if (_environ != __initenv)
        crt_free(_environ);
    _wenviron = wide;
    _environ = narrow;
}

static void environment_init(void)
{
    if (_environ)
        return;
    crt_environ_refresh();
    __initenv = _environ;
    __winitenv = _wenviron;
}

/* --- arguments -------------------------------------------------------------------------------------------- */

static int narrow_arguments(void)
{
    int argc;
    size_t chars;
    char **argv;

    if (__argv)
        return 0;
    split_a(_acmdln, NULL, NULL, &argc, &chars);
    argv = crt_alloc(argc * sizeof *argv + chars);
    if (!argv)
        return -1;
    split_a(_acmdln, argv, (char *)(argv + argc), &argc, &chars);
    __argc = argc - 1;
    __argv = argv;
    return 0;
}

static int wide_arguments(void)
{
    int argc;
    size_t chars;
    wchar_t **argv;

    if (__wargv)
        return 0;
    split_w(_wcmdln, NULL, NULL, &argc, &chars);
    argv = crt_alloc(argc * sizeof *argv + chars * sizeof(wchar_t));
    if (!argv)
        return -1;
    split_w(_wcmdln, argv, (wchar_t *)(argv + argc), &argc, &chars);
    __argc = argc - 1;
    __wargv = argv;
    return 0;
}

typedef struct {
    int newmode;
} startupinfo_t;

int CRT_EXPORT _set_new_mode(int mode);

/* msvcrt's start-up: argc, argv and the environment for main. Wildcards are not expanded (mingw-w64's default). */
int CRT_EXPORT __getmainargs(int *argc, char ***argv, char ***env, int wildcards, startupinfo_t *info)
{
    (void)wildcards;
    environment_init();
    if (narrow_arguments() < 0)
        return -1;
    if (info)
        _set_new_mode(info->newmode);
    *argc = __argc;
    *argv = __argv;
    *env = _environ;
    return 0;
}

int CRT_EXPORT __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***env, int wildcards, startupinfo_t *info)
{
    (void)wildcards;
    environment_init();
    if (wide_arguments() < 0)
        return -1;
    if (info)
        _set_new_mode(info->newmode);
    *argc = __argc;
    *argv = __wargv;
    *env = _wenviron;
    return 0;
}

/* ucrt's start-up (mode: 1 unexpanded, 2 expanded; 0 none). */
int CRT_EXPORT _configure_narrow_argv(int mode)
{
    if (mode == 0)
        return 0;
    if (mode != 1 && mode != 2) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return narrow_arguments() < 0 ? CRT_ENOMEM : 0;
}

int CRT_EXPORT _configure_wide_argv(int mode)
{
    if (mode == 0)
        return 0;
    if (mode != 1 && mode != 2) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return wide_arguments() < 0 ? CRT_ENOMEM : 0;
}

int CRT_EXPORT _initialize_narrow_environment(void)
{
    environment_init();
    return _environ ? 0 : -1;
}

int CRT_EXPORT _initialize_wide_environment(void)
{
    environment_init();
    return _wenviron ? 0 : -1;
}

char **CRT_EXPORT _get_initial_narrow_environment(void)
{
    environment_init();
    return __initenv;
}

wchar_t **CRT_EXPORT _get_initial_wide_environment(void)
{
    environment_init();
    return __winitenv;
}

/* WinMain's command line: what follows the program name and the blanks after it. */
char *CRT_EXPORT _get_narrow_winmain_command_line(void)
{
    return (char *)after_program_a(_acmdln);
}

wchar_t *CRT_EXPORT _get_wide_winmain_command_line(void)
{
    return (wchar_t *)after_program_w(_wcmdln);
}

int *CRT_EXPORT __p___argc(void) { return &__argc; }
char ***CRT_EXPORT __p___argv(void) { return &__argv; }
wchar_t ***CRT_EXPORT __p___wargv(void) { return &__wargv; }
char **CRT_EXPORT __p__acmdln(void) { return &_acmdln; }
wchar_t **CRT_EXPORT __p__wcmdln(void) { return &_wcmdln; }
char ***CRT_EXPORT __p__environ(void) { environment_init(); return &_environ; }
wchar_t ***CRT_EXPORT __p__wenviron(void) { environment_init(); return &_wenviron; }
char ***CRT_EXPORT __p___initenv(void) { environment_init(); return &__initenv; }
wchar_t ***CRT_EXPORT __p___winitenv(void) { environment_init(); return &__winitenv; }
int *CRT_EXPORT __p__fmode(void) { return &_fmode; }
int *CRT_EXPORT __p__commode(void) { return &_commode; }
char **CRT_EXPORT __p__pgmptr(void) { return &_pgmptr; }
wchar_t **CRT_EXPORT __p__wpgmptr(void) { return &_wpgmptr; }

int CRT_EXPORT _get_pgmptr(char **value)
{
    if (!value) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *value = _pgmptr;
    return 0;
}

int CRT_EXPORT _get_wpgmptr(wchar_t **value)
{
    if (!value) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *value = _wpgmptr;
    return 0;
}

/* _O_TEXT 0x4000 or _O_BINARY 0x8000 (or 0, meaning text). */
int CRT_EXPORT _set_fmode(int mode)
{
    if (mode != 0 && mode != 0x4000 && mode != 0x8000) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    _fmode = mode;
    return 0;
}

int CRT_EXPORT _get_fmode(int *mode)
{
    if (!mode) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *mode = _fmode;
    return 0;
}

/* 1 console, 2 GUI: where abort's and the runtime errors' messages go (only the console is modelled). */
void CRT_EXPORT __set_app_type(int type)
{
    __app_type = type;
}

void CRT_EXPORT _set_app_type(int type)
{
    __app_type = type;
}

/* The math error hook of the x87 functions: kept, never called (the math functions set errno). */
void CRT_EXPORT __setusermatherr(void *handler)
{
    (void)handler;
}

/* --- initialisers ----------------------------------------------------------------------------------------- */

/* Calls every non-NULL function of [first, last). */
void CRT_EXPORT _initterm(vfunc_t *first, vfunc_t *last)
{
    for (; first < last; first++)
        if (*first)
            (*first)();
}

/* The same, stopping at the first that returns non-zero, which it returns. */
int CRT_EXPORT _initterm_e(ifunc_t *first, ifunc_t *last)
{
    int status;

    for (; first < last; first++)
        if (*first && (status = (*first)()) != 0)
            return status;
    return 0;
}

/* --- onexit tables ---------------------------------------------------------------------------------------- */

int CRT_EXPORT _initialize_onexit_table(onexit_table_t *table)
{
    if (!table)
        return -1;
    if (!table->first)                               /* a table in use is left as it is */
        table->last = table->end = NULL;
    return 0;
}

/* Appends fn, growing the table (by its size, at least 4 and at most 512 entries at a time). */
int CRT_EXPORT _register_onexit_function(onexit_table_t *table, vfunc_t fn)
{
    size_t used, size, grow;
    vfunc_t *grown;

    if (!table)
        return -1;
    _lock(CRT_LOCK_EXIT1);
    if (table->last == table->end) {
        used = table->last - table->first;
        grow = used < 4 ? 4 : used > 512 ? 512 : used;
        size = (used + grow) * sizeof *grown;
        grown = table->first ? crt_realloc(table->first, size) : crt_alloc(size);
        if (!grown) {
            _unlock(CRT_LOCK_EXIT1);
            return -1;
        }
        table->first = grown;
        table->last = grown + used;
        table->end = grown + used + grow;
    }
    *table->last++ = fn;
    _unlock(CRT_LOCK_EXIT1);
    return 0;
}

/* Runs the table's functions in reverse order of registration and empties it; a function registered while it
 * runs is run too. */
int CRT_EXPORT _execute_onexit_table(onexit_table_t *table)
{
    vfunc_t fn;

    if (!table)
        return -1;
    for (;;) {
        _lock(CRT_LOCK_EXIT1);
        if (!table->first || table->last == table->first) {
            _unlock(CRT_LOCK_EXIT1);
            break;
        }
        fn = *--table->last;
        _unlock(CRT_LOCK_EXIT1);
        if (fn)
            fn();
    }
    crt_free(table->first);
    table->first = table->last = table->end = NULL;
    return 0;
}

onexit_t CRT_EXPORT _onexit(onexit_t fn)
{
    return _register_onexit_function(&atexit_table, (vfunc_t)fn) == 0 ? fn : NULL;
}

int CRT_EXPORT atexit(vfunc_t fn)
{
    return _register_onexit_function(&atexit_table, fn) == 0 ? 0 : -1;
}

int CRT_EXPORT _crt_atexit(vfunc_t fn)
{
    return atexit(fn);
}

int CRT_EXPORT _crt_at_quick_exit(vfunc_t fn)
{
    return _register_onexit_function(&quick_exit_table, fn) == 0 ? 0 : -1;
}

int CRT_EXPORT at_quick_exit(vfunc_t fn)
{
    return _crt_at_quick_exit(fn);
}

/*
 * msvcrt's __dllonexit: a DLL linked against msvcrt (mingw-w64's DLL start-up) keeps its own table as a
 * [begin, end) pair of pointers to a heap block; appends fn to it.
 */
onexit_t CRT_EXPORT __dllonexit(onexit_t fn, vfunc_t **begin, vfunc_t **end)
{
    onexit_table_t table;

    if (!begin || !end)
        return NULL;
    table.first = *begin;
    table.last = table.end = *end;
    if (_register_onexit_function(&table, (vfunc_t)fn) != 0)
        return NULL;
    *begin = table.first;
    *end = table.last;
    return fn;
}

/* --- exit --------------------------------------------------------------------------------------------------- */

/* The destructor callback of the program's thread_local objects (MSVC's start-up registers it). */
static PIMAGE_TLS_CALLBACK thread_local_exit_callback;

void CRT_EXPORT _register_thread_local_exe_atexit_callback(PIMAGE_TLS_CALLBACK callback)
{
    if (thread_local_exit_callback)                  /* once only, as the UCRT allows it */
        crt_fastfail(7);                             /* FAST_FAIL_FATAL_APP_EXIT */
    thread_local_exit_callback = callback;
}

/* The thread_local destructors, the atexit functions (once) and the streams' flush: what exit does before
 * ExitProcess. */
static void run_termination(void)
{
    int first;

    _lock(CRT_LOCK_EXIT2);
    first = !exiting;
    exiting = 1;
    _unlock(CRT_LOCK_EXIT2);
    if (first && thread_local_exit_callback)
        thread_local_exit_callback(NULL, DLL_PROCESS_DETACH, NULL);
    if (first)
        _execute_onexit_table(&atexit_table);
    crt_flush_all();
}

void CRT_EXPORT _cexit(void)
{
    run_termination();
}

void CRT_EXPORT _c_exit(void)
{
}

__attribute__((noreturn)) void CRT_EXPORT exit(int code)
{
    run_termination();
    terminated = 1;
    ExitProcess(code);
}

/* _exit and _Exit: no atexit functions, no flush. */
__attribute__((noreturn)) void CRT_EXPORT _exit(int code)
{
    terminated = 1;
    ExitProcess(code);
}

__attribute__((noreturn)) void CRT_EXPORT _Exit(int code)
{
    _exit(code);
}

__attribute__((noreturn)) void CRT_EXPORT quick_exit(int code)
{
    _execute_onexit_table(&quick_exit_table);
    _exit(code);
}

/* --- the DLL's entry point --------------------------------------------------------------------------------- */

void crt_stdio_init(void);

/* The program's path, as GetModuleFileName gives it, in both widths (allocated once). */
static void program_paths(void)
{
    wchar_t path[MAX_PATH + 1];
    DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
    int bytes;

    path[n] = 0;
    _wpgmptr = crt_alloc((n + 1) * sizeof(wchar_t));
    if (_wpgmptr)
        lstrcpyW(_wpgmptr, path);
    bytes = WideCharToMultiByte(CP_ACP, 0, path, -1, NULL, 0, NULL, NULL);
    _pgmptr = crt_alloc(bytes);
    if (_pgmptr)
        WideCharToMultiByte(CP_ACP, 0, path, -1, _pgmptr, bytes, NULL, NULL);
}

BOOL WINAPI crt_dll_main(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)instance;
    if (reason == DLL_PROCESS_ATTACH) {
        _acmdln = GetCommandLineA();
        _wcmdln = GetCommandLineW();
        program_paths();
        crt_stdio_init();
    } else if (reason == DLL_PROCESS_DETACH && reserved && !terminated) {
        /* ExitProcess without exit: msvcrt.dll runs _cexit (the atexit functions too); the UCRT flushes. */
        if (crt_flavor == CRT_MSVCRT)
            run_termination();
        else
            crt_flush_all();
    }
    return TRUE;
}
