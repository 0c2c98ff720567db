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
 */
#define _KERNEL32_
#include "k32files.h"

#define FILE_PIPE_BYTE_STREAM_TYPE 0
#define FILE_PIPE_BYTE_STREAM_MODE 0
#define FILE_PIPE_QUEUE_OPERATION  0
#define FILE_PIPE_MESSAGE_MODE     1
#define FILE_PIPE_COMPLETE_OPERATION 1
#define FSCTL_PIPE_PEEK            0x0011400C       /* CTL_CODE(FILE_DEVICE_NAMED_PIPE, 3, METHOD_BUFFERED, FILE_READ_DATA) */

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
