/*
 * The spawn and system functions for one character width (process.c): CH the character type, F(name) the name
 * for that width, S(text) a literal of it, CREATE_PROCESS and STARTUP the Win32 function and structure.
 */

static size_t F(length)(const CH *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* argv joined with spaces; an environment block from envp ("NAME=value" strings, each NUL-ended, then a NUL). */
static CH *F(joined)(const CH *const *strings, CH separator, int block)
{
    size_t total = 1, at = 0;
    CH *out;

    for (size_t i = 0; strings[i]; i++)
        total += F(length)(strings[i]) + 1;
    out = crt_alloc(total * sizeof(CH) + sizeof(CH));
    if (!out)
        return NULL;
    for (size_t i = 0; strings[i]; i++) {
        size_t n = F(length)(strings[i]);

        if (i && !block)
            out[at++] = separator;
        for (size_t j = 0; j < n; j++)
            out[at++] = strings[i][j];
        if (block)
            out[at++] = 0;
    }
    out[at++] = 0;
    out[at] = 0;
    return out;
}

/* Starts `path` (searched for along PATH by CreateProcess itself when `search`) with argv and envp. */
static intptr_t F(start)(int mode, const CH *path, const CH *command_line_source, const CH *const *argv,
                         const CH *const *envp, int search)
{
    STARTUP startup = {0};
    PROCESS_INFORMATION info;
    CH *command_line = command_line_source ? (CH *)command_line_source : F(joined)(argv, ' ', 0);
    CH *environment = envp ? F(joined)(envp, 0, 1) : NULL;
    DWORD flags = mode == P_DETACH ? DETACHED_PROCESS : 0;
    DWORD code;
    BOOL started;

    if (!command_line || (envp && !environment)) {
        crt_thread_data()->err = CRT_ENOMEM;
        return -1;
    }
    startup.cb = sizeof startup;
    if (sizeof(CH) == sizeof(wchar_t))
        flags |= CREATE_UNICODE_ENVIRONMENT;
    started = CREATE_PROCESS(search ? NULL : path, command_line, NULL, NULL, TRUE, flags, environment, NULL,
                             &startup, &info);
    if (command_line != command_line_source)
        crt_free(command_line);
    crt_free(environment);
    if (!started) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    CloseHandle(info.hThread);
    if (mode == P_OVERLAY)
        _exit(0);
    if (mode == P_WAIT) {
        WaitForSingleObject(info.hProcess, INFINITE);
        GetExitCodeProcess(info.hProcess, &code);
        CloseHandle(info.hProcess);
        return (intptr_t)code;
    }
    if (mode == P_NOWAITO || mode == P_DETACH) {
        CloseHandle(info.hProcess);
        return 0;
    }
    return (intptr_t)info.hProcess;
}

static intptr_t F(spawn)(int mode, const CH *path, const CH *const *argv, const CH *const *envp, int search)
{
    if (!path || !argv || !argv[0] || !*path || (unsigned)mode > P_DETACH) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    return F(start)(mode, path, NULL, argv, envp, search);
}

/* system: "%COMSPEC% /c command" waited for; system(NULL) says whether a command processor is there. */
static int F(system)(const CH *command)
{
    static const CH prefix[] = S(" /c ");
    CH shell[MAX_PATH];
    DWORD n = GET_ENVIRONMENT(CMD_ENVIRONMENT, shell, MAX_PATH);
    size_t length;
    CH *line;
    intptr_t result;

    if (!command)                                    /* a command processor named by COMSPEC */
        return n > 0 && n < MAX_PATH;
    if (n == 0 || n >= MAX_PATH) {
        crt_thread_data()->err = CRT_ENOENT;
        return -1;
    }
    length = F(length)(command);
    line = crt_alloc((n + 4 + length + 1) * sizeof(CH));
    if (!line) {
        crt_thread_data()->err = CRT_ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        line[i] = shell[i];
    for (size_t i = 0; i < 4; i++)
        line[n + i] = prefix[i];
    for (size_t i = 0; i <= length; i++)
        line[n + 4 + i] = command[i];
    result = F(start)(P_WAIT, shell, line, NULL, NULL, 0);
    crt_free(line);
    return (int)result;
}
