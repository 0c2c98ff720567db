/*
 * cmd.exe: running a program. Its name (the first word, quotes removed) is searched for in the current folder,
 * then in each folder of PATH, trying it with each extension of PATHEXT after it (or as it is, when it has an
 * extension); a name with a folder in it is looked for only there. The program is started with CreateProcessW,
 * given the command as typed, the standard handles inherited, and waited for; its exit code is the return code.
 * A name not found is cmd's "is not recognized" message (the name as typed, quotes and all) and 9009; a program that cannot start is the system's
 * message for the error, and the error as the return code. Batch files are not run (a warning line says so).
 */
#include "cmd.h"
#include "guestwarn.h"

static BOOL is_file(const WCHAR *path)
{
    DWORD attributes = GetFileAttributesW(path);
    return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

static BOOL has_extension(const WCHAR *name)
{
    const WCHAR *dot = NULL;
    for (; *name; name++)
        if (*name == L'.')
            dot = name;
        else if (*name == L'\\' || *name == L'/')
            dot = NULL;
    return dot != NULL;
}

/* `base` as it is when it has an extension, else with the first extension of PATHEXT that names a file. */
static BOOL try_base(WCHAR *found, const WCHAR *base, const WCHAR *extensions)
{
    if (has_extension(base)) {
        text_copy(found, base, MAX_PATH);
        return is_file(found);
    }
    for (const WCHAR *e = extensions; *e;) {
        DWORD n = 0;
        text_copy(found, base, MAX_PATH);
        while (e[n] && e[n] != L';')
            n++;
        if (n && text_length(found) + n < MAX_PATH) {
            DWORD end = text_length(found);
            for (DWORD i = 0; i < n; i++)
                found[end + i] = e[i];
            found[end + n] = 0;
            if (is_file(found))
                return TRUE;
        }
        e += n;
        if (*e)
            e++;
    }
    return FALSE;
}

static BOOL try_folder(WCHAR *found, const WCHAR *folder, DWORD length, const WCHAR *name, const WCHAR *extensions)
{
    WCHAR base[MAX_PATH];

    if (!length || length + text_length(name) + 2 >= MAX_PATH)
        return FALSE;
    text_copy(base, folder, length + 1);
    if (base[length - 1] != L'\\')
        text_append(base, L"\\", MAX_PATH);
    text_append(base, name, MAX_PATH);
    return try_base(found, base, extensions);
}

static BOOL search(WCHAR *found, const WCHAR *name)
{
    static WCHAR path[LINE_MAX];
    WCHAR extensions[512], current[MAX_PATH];

    if (!GetEnvironmentVariableW(L"PATHEXT", extensions, 512))
        text_copy(extensions, L".COM;.EXE;.BAT;.CMD", 512);
    for (const WCHAR *p = name; *p; p++)
        if (*p == L'\\' || *p == L'/' || *p == L':')
            return try_base(found, name, extensions);
    GetCurrentDirectoryW(MAX_PATH, current);
    if (try_folder(found, current, text_length(current), name, extensions))
        return TRUE;
    if (!GetEnvironmentVariableW(L"PATH", path, LINE_MAX))
        return FALSE;
    for (const WCHAR *p = path; *p;) {
        DWORD n = 0;
        while (p[n] && p[n] != L';')
            n++;
        if (try_folder(found, p, n, name, extensions))
            return TRUE;
        p += n;
        if (*p)
            p++;
    }
    return FALSE;
}

static BOOL is_batch(const WCHAR *path)
{
    DWORD n = text_length(path);
    return n > 4 && (text_equal(path + n - 4, L".bat") || text_equal(path + n - 4, L".cmd"));
}

int launch(WCHAR *command)
{
    WCHAR typed[MAX_PATH], name[MAX_PATH], found[MAX_PATH];
    STARTUPINFOW startup = { .cb = sizeof startup };
    PROCESS_INFORMATION info;
    DWORD n = 0, code;
    BOOL quoted = FALSE;

    for (const WCHAR *p = command; *p && (quoted || !text_is_blank(*p)) && n < MAX_PATH - 1; p++) {
        quoted ^= *p == L'"';
        typed[n++] = *p;
    }
    typed[n] = 0;
    text_copy(name, typed, MAX_PATH);
    text_unquote(name);
    text_trim_end(command);
    if (!search(found, name)) {
        err(L"'");
        err(typed);
        err(L"' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n");
        return NOT_RECOGNIZED;
    }
    if (is_batch(found)) {
        guest_warn("cmd.exe", "batch files are not run");
        return 1;
    }
    if (!CreateProcessW(found, command, NULL, NULL, TRUE, 0, NULL, NULL, &startup, &info)) {
        code = GetLastError();
        err_system_message(code);
        return (int)code;
    }
    WaitForSingleObject(info.hProcess, INFINITE);
    if (!GetExitCodeProcess(info.hProcess, &code))
        code = 1;
    CloseHandle(info.hThread);
    CloseHandle(info.hProcess);
    return (int)code;
}
