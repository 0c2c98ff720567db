/*
 * kernel32: anonymous pipes. CreatePipe makes them as Windows 10's kernelbase does: an unnamed instance created
 * relative to a handle to \Device\NamedPipe\ (the read end, the server), and the write end opened relative to
 * the read end with an empty name (the client). Byte mode, one instance, the size asked for as both quotas
 * (4 KB when 0), a default timeout of 120 seconds.
 */
#define _KERNEL32_
#include "k32files.h"

#define FILE_PIPE_BYTE_STREAM_TYPE 0
#define FILE_PIPE_BYTE_STREAM_MODE 0
#define FILE_PIPE_QUEUE_OPERATION  0

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
