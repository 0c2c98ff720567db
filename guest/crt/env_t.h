/*
 * The environment functions of <stdlib.h>, written once for both widths: env.c includes this with CH char (getenv,
 * _putenv, ...) and with CH wchar_t (_wgetenv, _wputenv, ...). The includer defines CH, N(narrow, wide), P(name)
 * (the file's own helpers), ENVIRON (the environment array, "NAME=value" strings), LEN, NICMP and SETENV
 * (SetEnvironmentVariableA or W). Names compare without regard to case, as Windows' do.
 */

/* The value of name in the CRT's array, or NULL. */
static CH *P(find)(const CH *name)
{
    CH **env = ENVIRON;
    size_t n = LEN(name);

    if (!env || !n)
        return NULL;
    for (; *env; env++)
        if (!NICMP(*env, name, n) && (*env)[n] == '=')
            return *env + n + 1;
    return NULL;
}

CH *CRT_EXPORT N(getenv, _wgetenv)(const CH *name)
{
    CH *value;

    if (!name) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    _lock(CRT_LOCK_ENV);
    value = P(find)(name);
    _unlock(CRT_LOCK_ENV);
    return value;
}

/* getenv_s: the value copied into buf; *needed its size with the NUL (0 when the name is not set). */
int CRT_EXPORT N(getenv_s, _wgetenv_s)(size_t *needed, CH *buf, size_t size, const CH *name)
{
    const CH *value;
    size_t n;
    int r = 0;

    if (!needed || (!buf && size) || !name) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (buf)
        *buf = 0;
    _lock(CRT_LOCK_ENV);
    value = P(find)(name);
    n = value ? LEN(value) + 1 : 0;
    *needed = n;
    if (value && size) {
        if (n > size) {                              /* no invalid-parameter call: *needed tells the size */
            crt_thread_data()->err = CRT_ERANGE;
            r = CRT_ERANGE;
        } else {
            memcpy(buf, value, n * sizeof(CH));
        }
    }
    _unlock(CRT_LOCK_ENV);
    return r;
}

/* _dupenv_s: a malloc'd copy of the value (NULL, length 0 when the name is not set). */
int CRT_EXPORT N(_dupenv_s, _wdupenv_s)(CH **out, size_t *count, const CH *name)
{
    const CH *value;
    size_t n;

    if (!out || !name) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *out = NULL;
    if (count)
        *count = 0;
    _lock(CRT_LOCK_ENV);
    value = P(find)(name);
    if (value) {
        n = LEN(value) + 1;
        *out = crt_alloc(n * sizeof(CH));
        if (!*out) {
            _unlock(CRT_LOCK_ENV);
            crt_thread_data()->err = CRT_ENOMEM;
            return CRT_ENOMEM;
        }
        memcpy(*out, value, n * sizeof(CH));
        if (count)
            *count = n;
    }
    _unlock(CRT_LOCK_ENV);
    return 0;
}

/* Sets name to value in the process (an empty value removes it) and rebuilds the CRT's arrays. */
static int P(set)(const CH *name, const CH *value)
{
    BOOL ok;

    _lock(CRT_LOCK_ENV);
    ok = SETENV(name, *value ? value : NULL);
    if (!ok && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
        ok = TRUE;                                   /* removing what is not there */
    if (ok)
        crt_environ_refresh();
    _unlock(CRT_LOCK_ENV);
    if (!ok) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

/* _putenv("NAME=value"); "NAME=" removes NAME. */
int CRT_EXPORT N(_putenv, _wputenv)(const CH *option)
{
    const CH *eq;
    CH *name;
    size_t n;
    int r;

    if (!option) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    for (eq = option; *eq && *eq != '='; eq++)
        ;
    if (!*eq || eq == option) {
        crt_thread_data()->err = CRT_EINVAL;
        return -1;
    }
    n = eq - option;
    name = crt_alloc((n + 1) * sizeof(CH));
    if (!name) {
        crt_thread_data()->err = CRT_ENOMEM;
        return -1;
    }
    memcpy(name, option, n * sizeof(CH));
    name[n] = 0;
    r = P(set)(name, eq + 1);
    crt_free(name);
    return r;
}

int CRT_EXPORT N(_putenv_s, _wputenv_s)(const CH *name, const CH *value)
{
    const CH *p;

    if (!name || !value || !*name) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    for (p = name; *p; p++)
        if (*p == '=') {
            crt_invalid_parameter(CRT_EINVAL);
            return CRT_EINVAL;
        }
    return P(set)(name, value) ? crt_thread_data()->err : 0;
}
