/*
 * kernel32: anonymous pipes. CreatePipe makes them as Windows 10's kernelbase does: an unnamed instance created
 * relative to a handle to \Device\NamedPipe\ (the read end, the server), and the write end opened relative to
 * the read end with an empty name (the client). Byte mode, one instance, the size asked for as both quotas
 * (4 KB when 0), a default timeout of 120 seconds.
 *
 * PeekNamedPipe asks the pipe file system for FSCTL_PIPE_PEEK into a buffer of the header (FILE_PIPE_PEEK_BUFFER)
 * and the bytes asked for, as kernelbase does: what it copies, the bytes available, and what is left of the message
 * (0 in byte mode). The data not fitting (STATUS_BUFFER_OVERFLOW) is a success; a pipe whose writer has gone with
 * nothing left fails with ERROR_BROKEN_PIPE.
 *
 * SetNamedPipeHandleState sets an end's modes through FilePipeInformation: PIPE_NOWAIT (reads of an empty pipe fail
 * with ERROR_NO_DATA, writes give what fits) or PIPE_WAIT; PIPE_READMODE_MESSAGE on these byte-type pipes fails with
 * ERROR_INVALID_PARAMETER, as does any other bit. The collection count and time-out are a remote client's, which no
 * pipe here is: asking for them fails with ERROR_INVALID_PARAMETER.
 *
 * The server side of named pipes, as kernelbase makes it: CreateNamedPipe is NtCreateNamedPipeFile of the name's NT
 * path (\\.\pipe\NAME is \??\pipe\NAME), the open mode's directions as the access (inbound: GENERIC_READ and sharing
 * for writers; outbound: GENERIC_WRITE and sharing for readers), FILE_FLAG_FIRST_PIPE_INSTANCE as FILE_CREATE
 * (FILE_OPEN_IF otherwise), synchronous unless FILE_FLAG_OVERLAPPED, PIPE_UNLIMITED_INSTANCES as no limit (0 or more
 * than 255 instances: ERROR_INVALID_PARAMETER), a default time-out of 50 ms for 0. Message-type pipes are refused
 * by the kernel (ERROR_NOT_SUPPORTED). ConnectNamedPipe is FSCTL_PIPE_LISTEN (ERROR_PIPE_CONNECTED when the client
 * came first: FALSE, as on Windows), DisconnectNamedPipe FSCTL_PIPE_DISCONNECT, and WaitNamedPipe FSCTL_PIPE_WAIT on
 * \Device\NamedPipe\ with the name after \\.\pipe\ (another form: ERROR_BAD_PATHNAME), NMPWAIT_USE_DEFAULT_WAIT as
 * the pipe's default time-out and NMPWAIT_WAIT_FOREVER as none (ERROR_SEM_TIMEOUT when it runs out). An overlapped
 * handle's wait is not served yet (ERROR_NOT_SUPPORTED, with the kernel's warning).
 */
#define _KERNEL32_
#include "k32files.h"

#define FILE_PIPE_BYTE_STREAM_TYPE 0
#define FILE_PIPE_BYTE_STREAM_MODE 0
#define FILE_PIPE_QUEUE_OPERATION  0
#define FILE_PIPE_MESSAGE_MODE     1
#define FILE_PIPE_COMPLETE_OPERATION 1
#define FSCTL_PIPE_PEEK            0x0011400C       /* CTL_CODE(FILE_DEVICE_NAMED_PIPE, 3, METHOD_BUFFERED, FILE_READ_DATA) */
#define FSCTL_PIPE_DISCONNECT      0x00110004       /* the functions 1, 2 and 6 of FILE_DEVICE_NAMED_PIPE, */
#define FSCTL_PIPE_LISTEN          0x00110008       /* METHOD_BUFFERED, FILE_ANY_ACCESS */
#define FSCTL_PIPE_WAIT            0x00110018
#define FILE_PIPE_MESSAGE_TYPE     1
#define DEFAULT_PIPE_TIMEOUT       (-500000LL)      /* 50 ms */
#define PIPE_PREFIX_LENGTH         9

typedef struct {
    LARGE_INTEGER Timeout;
    ULONG NameLength;
    BOOLEAN TimeoutSpecified;
    WCHAR Name[];
} PIPE_WAIT_FOR_BUFFER;

typedef struct {
    ULONG NamedPipeState;
    ULONG ReadDataAvailable;
    ULONG NumberOfMessages;
    ULONG MessageLength;
    CHAR Data[];
} PIPE_PEEK_BUFFER;

BOOL WINAPI CreatePipe(PHANDLE read, PHANDLE write, LPSECURITY_ATTRIBUTES attributes, DWORD size)
{
    static const WCHAR device[] = L"\\Device\\NamedPipe\\";
    UNICODE_STRING root_name = { sizeof device - sizeof(WCHAR), sizeof device, (PWSTR)device };
    UNICODE_STRING empty = { 0, 0, NULL };
    ULONG inherit = attributes && attributes->bInheritHandle ? OBJ_INHERIT : 0;
    OBJECT_ATTRIBUTES oa = { sizeof oa, NULL, &root_name, OBJ_CASE_INSENSITIVE, NULL, NULL };
    LARGE_INTEGER timeout = { .QuadPart = -1200000000LL };   /* 120 s, relative */
    IO_STATUS_BLOCK iosb;
    HANDLE root, server, client;
    NTSTATUS status;

    status = NtOpenFile(&root, GENERIC_READ | SYNCHRONIZE, &oa, &iosb, FILE_SHARE_READ | FILE_SHARE_WRITE, 0);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    oa.RootDirectory = root;
    oa.ObjectName = &empty;
    oa.Attributes = OBJ_CASE_INSENSITIVE | inherit;
    oa.SecurityDescriptor = attributes ? attributes->lpSecurityDescriptor : NULL;
    if (!size)
        size = 0x1000;
    status = NtCreateNamedPipeFile(&server, GENERIC_READ | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE, &oa, &iosb,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE, FILE_SYNCHRONOUS_IO_NONALERT,
                                   FILE_PIPE_BYTE_STREAM_TYPE, FILE_PIPE_BYTE_STREAM_MODE,
                                   FILE_PIPE_QUEUE_OPERATION, 1, size, size, &timeout);
    NtClose(root);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    oa.RootDirectory = server;
    status = NtOpenFile(&client, GENERIC_WRITE | FILE_READ_ATTRIBUTES | SYNCHRONIZE, &oa, &iosb,
                        FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(status)) {
        NtClose(server);
        return fail_status(status);
    }
    *read = server;
    *write = client;
    return TRUE;
}

BOOL WINAPI PeekNamedPipe(HANDLE pipe, LPVOID buffer, DWORD size, LPDWORD read, LPDWORD available,
                          LPDWORD left_this_message)
{
    ULONG length = sizeof(PIPE_PEEK_BUFFER) + size;
    PIPE_PEEK_BUFFER *peek;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;
    DWORD count;

    if (length < size || !(peek = RtlAllocateHeap(GetProcessHeap(), 0, length))) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    status = NtFsControlFile(pipe, NULL, NULL, NULL, &iosb, FSCTL_PIPE_PEEK, NULL, 0, peek, length);
    if (status == STATUS_PENDING && NT_SUCCESS(NtWaitForSingleObject(pipe, FALSE, NULL)))
        status = iosb.Status;
    if (status == STATUS_BUFFER_OVERFLOW)
        status = STATUS_SUCCESS;
    if (!NT_SUCCESS(status)) {
        RtlFreeHeap(GetProcessHeap(), 0, peek);
        return fail_status(status);
    }
    count = (DWORD)iosb.Information - sizeof(PIPE_PEEK_BUFFER);
    if (buffer)
        copy_bytes(buffer, peek->Data, count);
    if (read)
        *read = count;
    if (available)
        *available = peek->ReadDataAvailable;
    if (left_this_message)
        *left_this_message = peek->MessageLength ? peek->MessageLength - count : 0;
    RtlFreeHeap(GetProcessHeap(), 0, peek);
    return TRUE;
}

BOOL WINAPI SetNamedPipeHandleState(HANDLE pipe, LPDWORD mode, LPDWORD max_collection_count,
                                    LPDWORD collect_data_timeout)
{
    struct { ULONG ReadMode, CompletionMode; } info;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    if (mode) {
        if (*mode & ~(DWORD)(PIPE_READMODE_MESSAGE | PIPE_NOWAIT)) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        info.ReadMode = *mode & PIPE_READMODE_MESSAGE ? FILE_PIPE_MESSAGE_MODE : FILE_PIPE_BYTE_STREAM_MODE;
        info.CompletionMode = *mode & PIPE_NOWAIT ? FILE_PIPE_COMPLETE_OPERATION : FILE_PIPE_QUEUE_OPERATION;
        status = NtSetInformationFile(pipe, &iosb, &info, sizeof info, FilePipeInformation);
        if (!NT_SUCCESS(status))
            return fail_status(status);
    }
    if (max_collection_count || collect_data_timeout)
        return fail_status(STATUS_INVALID_PARAMETER);
    return TRUE;
}

HANDLE WINAPI CreateNamedPipeW(LPCWSTR name, DWORD open_mode, DWORD pipe_mode, DWORD instances, DWORD out_size,
                               DWORD in_size, DWORD default_timeout, LPSECURITY_ATTRIBUTES attributes)
{
    const DWORD directions = PIPE_ACCESS_INBOUND | PIPE_ACCESS_OUTBOUND;
    const DWORD open_flags = directions | FILE_FLAG_FIRST_PIPE_INSTANCE | FILE_FLAG_WRITE_THROUGH
                             | FILE_FLAG_OVERLAPPED | WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY;
    LARGE_INTEGER timeout;
    struct nt_name n;
    IO_STATUS_BLOCK iosb;
    ACCESS_MASK access = SYNCHRONIZE | (open_mode & (WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY));
    ULONG share = 0;
    HANDLE pipe;
    NTSTATUS status;

    if (!instances || instances > PIPE_UNLIMITED_INSTANCES || !(open_mode & directions)
        || open_mode & ~open_flags) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (!nt_name_secured(name, attributes, &n))
        return INVALID_HANDLE_VALUE;
    if (open_mode & PIPE_ACCESS_INBOUND) {
        access |= GENERIC_READ;
        share |= FILE_SHARE_WRITE;
    }
    if (open_mode & PIPE_ACCESS_OUTBOUND) {
        access |= GENERIC_WRITE;
        share |= FILE_SHARE_READ;
    }
    timeout.QuadPart = default_timeout ? -10000LL * default_timeout : DEFAULT_PIPE_TIMEOUT;
    status = NtCreateNamedPipeFile(&pipe, access, &n.oa, &iosb, share,
                                   open_mode & FILE_FLAG_FIRST_PIPE_INSTANCE ? FILE_CREATE : FILE_OPEN_IF,
                                   (open_mode & FILE_FLAG_OVERLAPPED ? 0 : FILE_SYNCHRONOUS_IO_NONALERT)
                                   | (open_mode & FILE_FLAG_WRITE_THROUGH ? FILE_WRITE_THROUGH : 0),
                                   pipe_mode & PIPE_TYPE_MESSAGE ? FILE_PIPE_MESSAGE_TYPE : FILE_PIPE_BYTE_STREAM_TYPE,
                                   pipe_mode & PIPE_READMODE_MESSAGE ? FILE_PIPE_MESSAGE_MODE
                                                                     : FILE_PIPE_BYTE_STREAM_MODE,
                                   pipe_mode & PIPE_NOWAIT ? FILE_PIPE_COMPLETE_OPERATION : FILE_PIPE_QUEUE_OPERATION,
                                   instances == PIPE_UNLIMITED_INSTANCES ? (ULONG)-1 : instances, in_size, out_size,
                                   &timeout);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return INVALID_HANDLE_VALUE;
    }
    return pipe;
}

HANDLE WINAPI CreateNamedPipeA(LPCSTR name, DWORD open_mode, DWORD pipe_mode, DWORD instances, DWORD out_size,
                               DWORD in_size, DWORD default_timeout, LPSECURITY_ATTRIBUTES attributes)
{
    WCHAR wide[NT_PATH_MAX];

    if (!ansi_path(name, wide))
        return INVALID_HANDLE_VALUE;
    return CreateNamedPipeW(wide, open_mode, pipe_mode, instances, out_size, in_size, default_timeout, attributes);
}

/* A pipe control with no buffers; a synchronous handle's call that pends is waited for. */
static BOOL pipe_control(HANDLE pipe, ULONG code, LPOVERLAPPED overlapped)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtFsControlFile(pipe, overlapped ? overlapped->hEvent : NULL, NULL, NULL, &iosb, code, NULL, 0,
                                      NULL, 0);

    if (status == STATUS_PENDING && !overlapped && NT_SUCCESS(NtWaitForSingleObject(pipe, FALSE, NULL)))
        status = iosb.Status;
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI ConnectNamedPipe(HANDLE pipe, LPOVERLAPPED overlapped)
{
    return pipe_control(pipe, FSCTL_PIPE_LISTEN, overlapped);
}

BOOL WINAPI DisconnectNamedPipe(HANDLE pipe)
{
    return pipe_control(pipe, FSCTL_PIPE_DISCONNECT, NULL);
}

/* Whether an NT path names a pipe of this machine: \??\pipe\ (any case) and a name. */
static BOOL is_pipe_path(const struct nt_path *path)
{
    static const char prefix[] = "\\??\\PIPE\\";

    if (path->len <= PIPE_PREFIX_LENGTH)
        return FALSE;
    for (ULONG i = 0; i < PIPE_PREFIX_LENGTH; i++) {
        WCHAR c = path->buf[i];
        if (c >= L'a' && c <= L'z')
            c -= L'a' - L'A';
        if (c != (WCHAR)prefix[i])
            return FALSE;
    }
    return TRUE;
}

BOOL WINAPI WaitNamedPipeW(LPCWSTR name, DWORD timeout_ms)
{
    static const WCHAR device[] = L"\\Device\\NamedPipe\\";
    UNICODE_STRING root_name = { sizeof device - sizeof(WCHAR), sizeof device, (PWSTR)device };
    OBJECT_ATTRIBUTES oa = { sizeof oa, NULL, &root_name, OBJ_CASE_INSENSITIVE, NULL, NULL };
    PIPE_WAIT_FOR_BUFFER *wait;
    struct nt_path path;
    IO_STATUS_BLOCK iosb;
    HANDLE root;
    ULONG length;
    NTSTATUS status;

    if (!dos_path_to_nt(name, &path))
        return FALSE;
    if (!is_pipe_path(&path)) {
        SetLastError(ERROR_BAD_PATHNAME);
        return FALSE;
    }
    length = sizeof *wait + (path.len - PIPE_PREFIX_LENGTH) * sizeof(WCHAR);
    if (!(wait = RtlAllocateHeap(GetProcessHeap(), 0, length))) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    wait->NameLength = (path.len - PIPE_PREFIX_LENGTH) * sizeof(WCHAR);
    copy_bytes(wait->Name, path.buf + PIPE_PREFIX_LENGTH, wait->NameLength);
    wait->TimeoutSpecified = timeout_ms != NMPWAIT_USE_DEFAULT_WAIT;
    wait->Timeout.QuadPart = timeout_ms == NMPWAIT_WAIT_FOREVER ? (LONGLONG)0x8000000000000000ULL
                                                               : -10000LL * timeout_ms;
    status = NtOpenFile(&root, FILE_READ_ATTRIBUTES | SYNCHRONIZE, &oa, &iosb, FILE_SHARE_READ | FILE_SHARE_WRITE,
                        FILE_SYNCHRONOUS_IO_NONALERT);
    if (NT_SUCCESS(status)) {
        status = NtFsControlFile(root, NULL, NULL, NULL, &iosb, FSCTL_PIPE_WAIT, wait,
                                 FIELD_OFFSET(PIPE_WAIT_FOR_BUFFER, Name) + wait->NameLength, NULL, 0);
        NtClose(root);
    }
    RtlFreeHeap(GetProcessHeap(), 0, wait);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI WaitNamedPipeA(LPCSTR name, DWORD timeout_ms)
{
    WCHAR wide[NT_PATH_MAX];

    if (!ansi_path(name, wide))
        return FALSE;
    return WaitNamedPipeW(wide, timeout_ms);
}
