/*
 * What the kernel32 sources of the file area share (dospath.c, fileapi.c, fileops.c, findfile.c, volume.c):
 * Win32 paths turned into NT paths, opens by Win32 name, the NTSTATUS -> Win32 errors of files.
 */
#ifndef WOW64EMU_K32FILES_H
#define WOW64EMU_K32FILES_H

#include "k32.h"

#define NT_PATH_MAX 1024                                            /* characters, terminator included */

/* A path being built: a full Win32 path, or an NT path ("\??\" + a root + "\component" ...). */
struct nt_path {
    WCHAR buf[NT_PATH_MAX];
    ULONG len;                                                      /* characters in buf */
    ULONG root;                                                     /* end of the root: ".." stops here */
    BOOL overflow;
};

/* The NT path NtCreateFile wants for a Win32 path, as RtlDosPathNameToNtPathName_U makes it; FALSE (with the
 * last error set) for a path it cannot convert. */
BOOL dos_path_to_nt(const WCHAR *dos, struct nt_path *p);

/* An OBJECT_ATTRIBUTES naming the NT path of a Win32 path (case-insensitive, no root), with what it points to. */
struct nt_name {
    struct nt_path path;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
};

/* Fills *n for a Win32 path; FALSE (with the last error set) for a path that cannot be converted. */
BOOL nt_name_of(const WCHAR *dos, struct nt_name *n);

/* nt_name_of, with what the SECURITY_ATTRIBUTES (NULL: none) say of the handle (inherited) and of the object (its
 * security descriptor). */
BOOL nt_name_secured(const WCHAR *dos, const SECURITY_ATTRIBUTES *sa, struct nt_name *n);

/* NtOpenFile of a Win32 path (share read, write and delete); FALSE with the last error set on failure. */
BOOL open_dos(const WCHAR *dos, ACCESS_MASK access, ULONG options, HANDLE *handle);

/* An ANSI path (in the file functions' code page, nls_file_code_page) as UTF-16, into NT_PATH_MAX characters;
 * FALSE with the last error set. */
BOOL ansi_path(const char *ansi, WCHAR *wide);

/* A UTF-16 string as ANSI (in the file functions' code page: a best fit or '?' for what it cannot hold), n characters
 * and a terminator. */
void to_ansi(char *out, const WCHAR *in, ULONG n);

ULONG wcs_len(const WCHAR *s);
void copy_bytes(void *to, const void *from, ULONG n);

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* The one volume's name (C:), as the mount manager would give it: a GUID fixed for the emulator (Windows makes one
 * when it first mounts a volume). FindFirstVolumeW gives it with a trailing backslash; GetFinalPathNameByHandle's
 * VOLUME_NAME_GUID begins with it. */
#define VOLUME_GUID_PATH L"\\\\?\\Volume{6b1c3f5e-2d8a-4e71-9c40-77f64e6d7533}"
#define VOLUME_GUID_PATH_LENGTH 48                                  /* characters */

/* A LARGE_INTEGER time as a FILETIME. */
static inline FILETIME filetime_of(LARGE_INTEGER t)
{
    FILETIME ft;
    ft.dwLowDateTime = t.u.LowPart;
    ft.dwHighDateTime = (DWORD)t.u.HighPart;
    return ft;
}

#endif
