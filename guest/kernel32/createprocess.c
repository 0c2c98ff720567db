/*
 * kernel32: CreateProcessW and CreateProcessA (processthreadsapi.h), as Windows 10's kernelbase makes a process: the
 * image found by the documented rules, the parameters of the new process built (RTL_USER_PROCESS_PARAMETERS,
 * normalized), and one NtCreateUserProcess with the image's NT name in the attribute list; the first thread is
 * created suspended and resumed unless the caller asked for CREATE_SUSPENDED. (Windows then tells csrss of the new
 * process; there is no csrss here.)
 *
 * The image: lpApplicationName when given (a full or relative path, no search, no extension added); otherwise the
 * first token of the command line: a quoted one is the name, an unquoted one is tried at each blank in turn
 * ("C:\Program Files\x.exe" tries "C:\Program", then "C:\Program Files\x.exe"), each looked for with ".exe" added
 * to a name without extension in the application's folder, the current folder, the system folder
 * (C:\Windows\System32: a 32-bit caller's opens of it are redirected by WoW64), C:\Windows\System, C:\Windows and
 * PATH; a folder of that name is passed over. Nothing found: ERROR_FILE_NOT_FOUND.
 *
 * The parameters: the command line as given (the application name when there is none); the current directory
 * given (ERROR_DIRECTORY when it is not a folder) or the caller's; the environment given (ANSI unless
 * CREATE_UNICODE_ENVIRONMENT) or the caller's current one; STARTUPINFO's title (default: the image path), desktop,
 * lpReserved, the C runtime's cbReserved2/lpReserved2, window fields and flags; the standard handles of STARTUPINFO
 * with STARTF_USESTDHANDLES, else the caller's, which the kernel duplicates into the child (PS_STD_HANDLE_INFO).
 * CREATE_NEW_CONSOLE and CREATE_NO_WINDOW are accepted (the child shares the one console), DETACHED_PROCESS with
 * CREATE_NEW_CONSOLE is ERROR_INVALID_PARAMETER. A priority class flag is applied with SetPriorityClass.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"
#include "k32nls.h"

#define KUSD_NT_SYSTEM_ROOT 0x030                                   /* WCHAR[260] */
#define COMMAND_LINE_MAX 32767                                      /* characters, as Windows allows */

/* PS_ATTRIBUTE_LIST, PS_CREATE_INFO and the rest of RTL_USER_PROCESS_PARAMETERS, as Windows 10 lays them out. */
#define PS_ATTRIBUTE_CLIENT_ID 0x10003
#define PS_ATTRIBUTE_IMAGE_NAME 0x20005
#define PS_ATTRIBUTE_STD_HANDLE_INFO 0x2000A
#define PS_ALWAYS_DUPLICATE 2
#define PROCESS_CREATE_FLAGS_BREAKAWAY 0x1
#define PROCESS_CREATE_FLAGS_INHERIT_HANDLES 0x4
#define RTL_USER_PROC_PARAMS_NORMALIZED 0x1
#define CONSOLE_IGNORE_CTRL_C 0x1                                   /* ConsoleFlags of CREATE_NEW_PROCESS_GROUP */

typedef struct {
    ULONG_PTR Attribute;
    SIZE_T Size;
    ULONG_PTR Value;
    PSIZE_T ReturnLength;
} PS_ATTRIBUTE;

typedef struct {
    SIZE_T TotalLength;
    PS_ATTRIBUTE Attributes[3];
} PS_ATTRIBUTE_LIST;

typedef struct {
    SIZE_T Size;
    ULONG State;
    ULONG InitFlags;                                                /* the union: InitState, then SuccessState */
    ULONG AdditionalFileAccess;
    BYTE rest[NT_OFFSETS(0x48, 0x58) - 3 * 4 - sizeof(SIZE_T)];
} PS_CREATE_INFO;
_Static_assert(sizeof(PS_CREATE_INFO) == NT_OFFSETS(0x48, 0x58), "PS_CREATE_INFO size");

typedef struct {
    ULONG Flags;                                                    /* StdHandleState (2 bits), PseudoHandleMask */
    ULONG StdHandleSubsystemType;
} PS_STD_HANDLE_INFO;

typedef struct {
    RTL_USER_PROCESS_PARAMETERS p;
    struct {
        USHORT Flags;
        USHORT Length;
        ULONG TimeStamp;
        UNICODE_STRING DosPath;
    } CurrentDirectores[32];
    SIZE_T EnvironmentSize;
    BYTE rest[NT_OFFSETS(0x2C0 - 0x294, 0x440 - 0x3F8)];
} FULL_PARAMETERS;
NT_CHECK_OFFSET(FULL_PARAMETERS, EnvironmentSize, 0x290, 0x3F0);
_Static_assert(sizeof(FULL_PARAMETERS) == NT_OFFSETS(0x2C0, 0x440), "RTL_USER_PROCESS_PARAMETERS size");

NT_IMPORT NTSTATUS NTAPI NtCreateUserProcess(PHANDLE ProcessHandle, PHANDLE ThreadHandle,
                                             ACCESS_MASK ProcessDesiredAccess, ACCESS_MASK ThreadDesiredAccess,
                                             POBJECT_ATTRIBUTES ProcessObjectAttributes,
                                             POBJECT_ATTRIBUTES ThreadObjectAttributes, ULONG ProcessFlags,
                                             ULONG ThreadFlags, PVOID ProcessParameters, PS_CREATE_INFO *CreateInfo,
                                             PS_ATTRIBUTE_LIST *AttributeList);

static void *allocate(SIZE_T size)
{
    PVOID block = NULL;
    NTSTATUS status = NtAllocateVirtualMemory(NtCurrentProcess(), &block, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                              PAGE_READWRITE);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return block;
}

static void release(void *block)
{
    SIZE_T zero = 0;

    if (block)
        NtFreeVirtualMemory(NtCurrentProcess(), &block, &zero, MEM_RELEASE);
}

/* ---- Finding the image ------------------------------------------------------------------------------------ */

/* The folders CreateProcess searches, ';'-separated, into memory of its own (NULL with the last error set). */
static WCHAR *search_folders(void)
{
    const WCHAR *windows = (const WCHAR *)(ULONG_PTR)(KUSER_SHARED_DATA_ADDRESS + KUSD_NT_SYSTEM_ROOT);
    DWORD path = GetEnvironmentVariableW(L"PATH", NULL, 0);
    ULONG n = wcs_len(windows), at = 0, room = 4 * NT_PATH_MAX + path + 8;
    WCHAR *list = allocate(room * sizeof(WCHAR));

    if (!list)
        return NULL;
    at = GetModuleFileNameW(NULL, list, NT_PATH_MAX);
    while (at && list[at - 1] != '\\')
        at--;
    list[at++] = ';';
    at += GetCurrentDirectoryW(NT_PATH_MAX, list + at);
    list[at++] = ';';
    for (int i = 0; i < 3; i++) {
        static const WCHAR *const below[] = { L"\\System32;", L"\\System;", L";" };
        copy_bytes(list + at, windows, n * sizeof(WCHAR));
        at += n;
        copy_bytes(list + at, below[i], wcs_len(below[i]) * sizeof(WCHAR));
        at += wcs_len(below[i]);
    }
    if (path && path < room - at)
        at += GetEnvironmentVariableW(L"PATH", list + at, room - at);
    list[at] = 0;
    return list;
}

/* `name` (n characters) looked for as CreateProcess looks: its full path into image; FALSE when it is nowhere or a
 * folder. */
static BOOL find_image(const WCHAR *folders, const WCHAR *name, ULONG n, WCHAR *image)
{
    WCHAR candidate[NT_PATH_MAX];
    DWORD found, attributes;

    if (!n || n >= NT_PATH_MAX)
        return FALSE;
    copy_bytes(candidate, name, n * sizeof(WCHAR));
    candidate[n] = 0;
    found = SearchPathW(folders, candidate, L".exe", NT_PATH_MAX, image, NULL);
    if (!found || found >= NT_PATH_MAX)
        return FALSE;
    attributes = GetFileAttributesW(image);
    return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* The image of a command line: its first token, quoted or tried at each blank. */
static BOOL image_of_command_line(const WCHAR *command_line, WCHAR *image)
{
    WCHAR *folders = search_folders();
    ULONG end;
    BOOL found = FALSE;

    if (!folders)
        return FALSE;
    if (command_line[0] == '"') {
        for (end = 1; command_line[end] && command_line[end] != '"'; end++)
            ;
        found = find_image(folders, command_line + 1, end - 1, image);
    } else {
        for (end = 0; !found; end++) {
            if (command_line[end] == ' ' || command_line[end] == '\t' || !command_line[end])
                found = find_image(folders, command_line, end, image);
            if (!command_line[end])
                break;
        }
    }
    release(folders);
    if (!found)
        SetLastError(ERROR_FILE_NOT_FOUND);
    return found;
}

/* ---- The parameters --------------------------------------------------------------------------------------- */

struct strings {
    const WCHAR *image, *command_line, *directory, *title, *desktop, *reserved;
    const WCHAR *environment;
    SIZE_T environment_size;                                        /* bytes, the final empty string included */
    const BYTE *runtime_data;
    USHORT runtime_size;
};

static SIZE_T string_room(const WCHAR *s)
{
    return (wcs_len(s) + 1) * sizeof(WCHAR);
}

/* Copy a string into the block at *at (advanced) and describe it in *us. */
static void put(UNICODE_STRING *us, BYTE **at, const void *data, SIZE_T length, SIZE_T room)
{
    copy_bytes(*at, data, (ULONG)length);
    ((BYTE *)*at)[length] = ((BYTE *)*at)[length + 1] = 0;
    us->Buffer = (WCHAR *)*at;
    us->Length = (USHORT)length;
    us->MaximumLength = (USHORT)room;
    *at += (room + 7) & ~(SIZE_T)7;
}

static void put_string(UNICODE_STRING *us, BYTE **at, const WCHAR *s, SIZE_T minimum_room)
{
    SIZE_T length = wcs_len(s) * sizeof(WCHAR), room = length + sizeof(WCHAR);

    put(us, at, s, length, room > minimum_room ? room : minimum_room);
}

/* The child's parameters, normalized, in one block of memory (released by the caller). */
static FULL_PARAMETERS *build_parameters(const struct strings *s, const STARTUPINFOW *startup, DWORD flags)
{
    RTL_USER_PROCESS_PARAMETERS *own = nt_process_parameters();
    SIZE_T size = sizeof(FULL_PARAMETERS) + string_room(s->image) + string_room(s->command_line) + MAX_PATH * 2 +
                  string_room(s->directory) + string_room(s->title) + string_room(s->desktop) +
                  string_room(s->reserved) + s->runtime_size + s->environment_size + 16 * 8 + 2;
    FULL_PARAMETERS *full = allocate(size);
    RTL_USER_PROCESS_PARAMETERS *p;
    BYTE *at;

    if (!full)
        return NULL;
    p = &full->p;
    at = (BYTE *)(full + 1);
    p->MaximumLength = p->Length = sizeof *full;
    p->Flags = RTL_USER_PROC_PARAMS_NORMALIZED;
    p->ConsoleHandle = own->ConsoleHandle;
    p->ConsoleFlags = flags & CREATE_NEW_PROCESS_GROUP ? CONSOLE_IGNORE_CTRL_C : 0;
    if (startup->dwFlags & STARTF_USESTDHANDLES) {
        p->StandardInput = startup->hStdInput;
        p->StandardOutput = startup->hStdOutput;
        p->StandardError = startup->hStdError;
    } else {
        p->StandardInput = own->StandardInput;
        p->StandardOutput = own->StandardOutput;
        p->StandardError = own->StandardError;
    }
    put_string(&p->CurrentDirectory.DosPath, &at, s->directory, MAX_PATH * sizeof(WCHAR));
    put_string(&p->DllPath, &at, L"", 0);
    put_string(&p->ImagePathName, &at, s->image, 0);
    put_string(&p->CommandLine, &at, s->command_line, 0);
    p->StartingX = startup->dwX;
    p->StartingY = startup->dwY;
    p->CountX = startup->dwXSize;
    p->CountY = startup->dwYSize;
    p->CountCharsX = startup->dwXCountChars;
    p->CountCharsY = startup->dwYCountChars;
    p->FillAttribute = startup->dwFillAttribute;
    p->WindowFlags = startup->dwFlags;
    p->ShowWindowFlags = startup->wShowWindow;
    put_string(&p->WindowTitle, &at, s->title, 0);
    put_string(&p->DesktopInfo, &at, s->desktop, 0);
    if (*s->reserved)
        put_string(&p->ShellInfo, &at, s->reserved, 0);
    if (s->runtime_size)
        put(&p->RuntimeData, &at, s->runtime_data, s->runtime_size, s->runtime_size);
    at = (BYTE *)(((ULONG_PTR)at + 15) & ~(ULONG_PTR)15);
    copy_bytes(at, s->environment, (ULONG)s->environment_size);
    p->Environment = at;
    full->EnvironmentSize = s->environment_size;
    return full;
}

/* The bytes of a UTF-16 environment block, its final empty string included. */
static SIZE_T environment_size(const WCHAR *block)
{
    SIZE_T n = 0;

    if (!block[0])
        return 2 * sizeof(WCHAR);
    while (block[n] || block[n + 1])
        n++;
    return (n + 2) * sizeof(WCHAR);
}

/* An ANSI environment block as UTF-16, in memory of its own. */
static WCHAR *widen_environment(const char *block, SIZE_T *size)
{
    SIZE_T n = 0;
    WCHAR *wide;

    if (!block[0])
        n = 1;
    else
        while (block[n] || block[n + 1])
            n++;
    n += 2;
    wide = allocate(n * sizeof(WCHAR));
    if (wide) {
        nls_ansi_to_unicode(block, (DWORD)n, wide);
        *size = n * sizeof(WCHAR);
    }
    return wide;
}

/* ---- CreateProcessW --------------------------------------------------------------------------------------- */

static const DWORD priority_flags[] = { IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS,
                                        ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS };

static BOOL create(const WCHAR *image, const struct strings *s, LPSECURITY_ATTRIBUTES process_attributes,
                   LPSECURITY_ATTRIBUTES thread_attributes, BOOL inherit, DWORD flags, const STARTUPINFOW *startup,
                   LPPROCESS_INFORMATION information)
{
    OBJECT_ATTRIBUTES process_oa = { sizeof process_oa, NULL, NULL, 0, NULL, NULL };
    OBJECT_ATTRIBUTES thread_oa = { sizeof thread_oa, NULL, NULL, 0, NULL, NULL };
    PS_STD_HANDLE_INFO std_info = { PS_ALWAYS_DUPLICATE, IMAGE_SUBSYSTEM_WINDOWS_CUI };
    PS_CREATE_INFO create_info = { sizeof create_info, 0, 0, 0, { 0 } };
    PS_ATTRIBUTE_LIST attributes;
    CLIENT_ID cid = { 0, 0 };
    struct nt_name name;
    HANDLE process, thread;
    FULL_PARAMETERS *parameters;
    NTSTATUS status;
    ULONG count = 0;

    if (!nt_name_of(image, &name))
        return FALSE;
    parameters = build_parameters(s, startup, flags);
    if (!parameters)
        return FALSE;
    attributes.Attributes[count++] = (PS_ATTRIBUTE){ PS_ATTRIBUTE_IMAGE_NAME, name.name.Length,
                                                     (ULONG_PTR)name.name.Buffer, NULL };
    attributes.Attributes[count++] = (PS_ATTRIBUTE){ PS_ATTRIBUTE_CLIENT_ID, sizeof cid, (ULONG_PTR)&cid, NULL };
    if (!(startup->dwFlags & STARTF_USESTDHANDLES))
        attributes.Attributes[count++] = (PS_ATTRIBUTE){ PS_ATTRIBUTE_STD_HANDLE_INFO, sizeof std_info,
                                                         (ULONG_PTR)&std_info, NULL };
    attributes.TotalLength = sizeof(SIZE_T) + count * sizeof(PS_ATTRIBUTE);
    if (process_attributes && process_attributes->bInheritHandle)
        process_oa.Attributes = OBJ_INHERIT;
    if (thread_attributes && thread_attributes->bInheritHandle)
        thread_oa.Attributes = OBJ_INHERIT;
    status = NtCreateUserProcess(&process, &thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &process_oa, &thread_oa,
                                 (inherit ? PROCESS_CREATE_FLAGS_INHERIT_HANDLES : 0) |
                                 (flags & CREATE_BREAKAWAY_FROM_JOB ? PROCESS_CREATE_FLAGS_BREAKAWAY : 0),
                                 THREAD_CREATE_FLAGS_CREATE_SUSPENDED, parameters, &create_info, &attributes);
    release(parameters);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    for (ULONG i = 0; i < sizeof priority_flags / sizeof *priority_flags; i++)
        if (flags & priority_flags[i])
            SetPriorityClass(process, priority_flags[i]);
    if (!(flags & CREATE_SUSPENDED))
        NtResumeThread(thread, NULL);
    information->hProcess = process;
    information->hThread = thread;
    information->dwProcessId = (DWORD)(ULONG_PTR)cid.UniqueProcess;
    information->dwThreadId = (DWORD)(ULONG_PTR)cid.UniqueThread;
    return TRUE;
}

BOOL WINAPI CreateProcessW(LPCWSTR application, LPWSTR command_line, LPSECURITY_ATTRIBUTES process_attributes,
                           LPSECURITY_ATTRIBUTES thread_attributes, BOOL inherit, DWORD flags, LPVOID environment,
                           LPCWSTR directory, LPSTARTUPINFOW startup, LPPROCESS_INFORMATION information)
{
    RTL_USER_PROCESS_PARAMETERS *own = nt_process_parameters();
    WCHAR image[NT_PATH_MAX], folder[NT_PATH_MAX];
    struct strings s;
    WCHAR *wide_environment = NULL;
    DWORD attributes;
    BOOL done;

    if ((!application && !command_line) || !startup || !information ||
        (flags & (DETACHED_PROCESS | CREATE_NEW_CONSOLE)) == (DETACHED_PROCESS | CREATE_NEW_CONSOLE)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (command_line && wcs_len(command_line) > COMMAND_LINE_MAX) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    if (application) {
        DWORD n = GetFullPathNameW(application, NT_PATH_MAX, image, NULL);
        if (!n || n >= NT_PATH_MAX)
            return FALSE;
        attributes = GetFileAttributesW(image);
        if (attributes == INVALID_FILE_ATTRIBUTES)
            return FALSE;
        if (attributes & FILE_ATTRIBUTE_DIRECTORY) {
            SetLastError(ERROR_ACCESS_DENIED);
            return FALSE;
        }
    } else if (!image_of_command_line(command_line, image)) {
        return FALSE;
    }
    if (directory) {
        DWORD n = GetFullPathNameW(directory, NT_PATH_MAX - 1, folder, NULL);
        attributes = n && n < NT_PATH_MAX - 1 ? GetFileAttributesW(folder) : INVALID_FILE_ATTRIBUTES;
        if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
            SetLastError(ERROR_DIRECTORY);
            return FALSE;
        }
        if (folder[n - 1] != '\\') {
            folder[n++] = '\\';
            folder[n] = 0;
        }
    } else {
        GetCurrentDirectoryW(NT_PATH_MAX - 1, folder);
        if (folder[wcs_len(folder) - 1] != '\\')
            copy_bytes(folder + wcs_len(folder), L"\\", 2 * sizeof(WCHAR));
    }
    s.image = image;
    s.command_line = command_line ? command_line : application;
    s.directory = folder;
    s.title = startup->lpTitle ? startup->lpTitle : image;
    s.desktop = startup->lpDesktop ? startup->lpDesktop
              : own->DesktopInfo.Buffer ? own->DesktopInfo.Buffer : L"Winsta0\\Default";
    s.reserved = startup->lpReserved ? startup->lpReserved : L"";
    s.runtime_data = startup->lpReserved2;
    s.runtime_size = startup->lpReserved2 ? startup->cbReserved2 : 0;
    if (!environment) {
        s.environment = own->Environment;
        s.environment_size = environment_size(s.environment);
    } else if (flags & CREATE_UNICODE_ENVIRONMENT) {
        s.environment = environment;
        s.environment_size = environment_size(s.environment);
    } else {
        s.environment = wide_environment = widen_environment(environment, &s.environment_size);
        if (!wide_environment)
            return FALSE;
    }
    done = create(image, &s, process_attributes, thread_attributes, inherit, flags, startup, information);
    release(wide_environment);
    return done;
}

/* ---- CreateProcessA --------------------------------------------------------------------------------------- */

/* An ANSI string as UTF-16 in memory of its own (NULL for NULL; *failed with the last error set). */
static WCHAR *widen(const char *s, BOOL *failed)
{
    SIZE_T n = 0;
    WCHAR *wide;

    if (!s)
        return NULL;
    while (s[n])
        n++;
    wide = allocate((n + 1) * sizeof(WCHAR));
    if (!wide) {
        *failed = TRUE;
        return NULL;
    }
    nls_ansi_to_unicode(s, (DWORD)n + 1, wide);
    return wide;
}

BOOL WINAPI CreateProcessA(LPCSTR application, LPSTR command_line, LPSECURITY_ATTRIBUTES process_attributes,
                           LPSECURITY_ATTRIBUTES thread_attributes, BOOL inherit, DWORD flags, LPVOID environment,
                           LPCSTR directory, LPSTARTUPINFOA startup, LPPROCESS_INFORMATION information)
{
    BOOL failed = FALSE, done = FALSE;
    WCHAR *strings[6];
    STARTUPINFOW wide;

    if (!startup) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    copy_bytes(&wide, startup, sizeof wide);                        /* the same layout but for the strings */
    wide.cb = sizeof wide;
    strings[0] = widen(application, &failed);
    strings[1] = widen(command_line, &failed);
    strings[2] = widen(directory, &failed);
    strings[3] = wide.lpReserved = widen(startup->lpReserved, &failed);
    strings[4] = wide.lpDesktop = widen(startup->lpDesktop, &failed);
    strings[5] = wide.lpTitle = widen(startup->lpTitle, &failed);
    if (!failed)
        done = CreateProcessW(strings[0], strings[1], process_attributes, thread_attributes, inherit, flags,
                              environment, strings[2], &wide, information);
    for (int i = 0; i < 6; i++)
        release(strings[i]);
    return done;
}
