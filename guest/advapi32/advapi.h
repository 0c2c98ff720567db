/*
 * advapi32.dll of the wow64emu guest: the registry functions (Reg*, on the NT key calls), tokens and SIDs, and
 * what else real programs import from it. One source for both widths (SysWOW64\advapi32.dll and
 * System32\advapi32.dll); it imports ntdll and kernel32. Split by area:
 *   hkey.c       the predefined keys (HKEY_LOCAL_MACHINE...) and the handles they stand for; RegCloseKey
 *   regkeys.c    opening, creating, deleting, enumerating and querying keys; notification; reflection
 *   regtree.c    RegDeleteTree and RegCopyTree
 *   regvalues.c  setting, querying, deleting and enumerating values; RegGetValue
 *   sid.c        SIDs and their string form
 *   token.c      tokens, privileges, the user's name and account
 *   sddl.c       security descriptors from their string form (SDDL)
 *   unserved.c   services and cryptography: present, failing as Windows fails without them
 *
 * The Reg* functions return a Win32 error (ntdll's RtlNtStatusToDosError of the NT call's status) and leave the
 * last error alone; the others return BOOL and set the last error, as Windows' do. ANSI strings go through the ANSI
 * code page (kernel32's MultiByteToWideChar and WideCharToMultiByte, CP_ACP).
 */
#ifndef WOW64EMU_ADVAPI_H
#define WOW64EMU_ADVAPI_H

#define _ADVAPI32_          /* windows.h declares our own exports without dllimport */
#define WINIMPM             /* and wincrypt.h */
#include "nt.h"
#include <sddl.h>

#ifndef OBJ_OPENLINK
#define OBJ_OPENLINK 0x00000100L
#endif

/* NtSetInformationKey's KeyWow64FlagsInformation (nt/registry.h has the classes). */
typedef struct _KEY_WOW64_FLAGS_INFORMATION {
    ULONG UserFlags;
} KEY_WOW64_FLAGS_INFORMATION;

#define STATUS_NONE_MAPPED ((NTSTATUS)0xC0000073L)

NT_IMPORT void NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);

/* ---- memory and strings (advapi.c) ---------------------------------------------------------------------- */

void *adv_alloc(SIZE_T size);
void adv_free(void *block);

/* A heap copy of an ANSI string in UTF-16 (NULL stays NULL; *ok is FALSE when memory ran out). */
WCHAR *wide_from_ansi(const char *text, BOOL *ok);

/* memmove, memcmp == 0 and memset 0 (the guest DLLs link no C runtime). */
void copy_bytes(void *destination, const void *source, SIZE_T size);
BOOL same_bytes(const void *a, const void *b, SIZE_T size);
void zero_bytes(void *destination, SIZE_T size);

/* The length of a string in WCHARs, without its terminator. */
SIZE_T wide_length(const WCHAR *text);

/* Copies `length` WCHARs and a terminator into a buffer of *count characters, *count becoming the length; FALSE
 * (ERROR_MORE_DATA, the count left alone) when they do not fit. put_ansi: the same into an ANSI buffer of *count
 * bytes; ansi_size: the bytes of `length` WCHARs in the ANSI code page. */
BOOL put_wide(const WCHAR *text, SIZE_T length, LPWSTR buffer, LPDWORD count);
BOOL put_ansi(const WCHAR *text, SIZE_T length, LPSTR buffer, LPDWORD count);
DWORD ansi_size(const WCHAR *text, SIZE_T length);

/* Win32 error of a status, for the Reg* functions' results. */
static inline LONG reg_error(NTSTATUS status)
{
    return (LONG)RtlNtStatusToDosError(status);
}

/* Sets the last error from a status; FALSE for the callers' convenience. */
BOOL fail_status(NTSTATUS status);

/* Sets the last error; FALSE for the callers' convenience. */
BOOL fail_error(DWORD error);

/* A variable-length answer of the NT registry (a key's or a value's information) in a heap block of the size it
 * needs (adv_free it): `ask` is called with a growing buffer until the answer fits. */
typedef NTSTATUS (*answer_fn)(HANDLE key, ULONG_PTR what, ULONG info_class, void *buffer, ULONG length,
                              ULONG *needed);
NTSTATUS whole_answer(answer_fn ask, HANDLE key, ULONG_PTR what, ULONG info_class, void **answer);

/* The same for the key behind a HKEY (a predefined key's handle). */
NTSTATUS key_answer(HKEY hKey, answer_fn ask, ULONG_PTR what, ULONG info_class, void **answer);

/* The answer_fn of NtEnumerateKey (`what` = the index), of NtQueryKey (`what` unused) and of NtEnumerateValueKey. */
NTSTATUS ask_query_key(HANDLE key, ULONG_PTR what, ULONG info_class, void *buffer, ULONG length, ULONG *needed);
NTSTATUS ask_enumerate_key(HANDLE key, ULONG_PTR index, ULONG info_class, void *buffer, ULONG length, ULONG *needed);
NTSTATUS ask_enumerate_value(HANDLE key, ULONG_PTR index, ULONG info_class, void *buffer, ULONG length,
                             ULONG *needed);

/* ---- keys (hkey.c, regkeys.c) --------------------------------------------------------------------------- */

/* The NT handle a HKEY stands for: a predefined key's own handle (opened at first use and kept), or the HKEY
 * itself. STATUS_INVALID_HANDLE for NULL and for the predefined keys that have no key behind them. */
NTSTATUS key_handle(HKEY key, HANDLE *handle);

/* Whether `key` is one of the predefined keys; HKEY_CLASSES_ROOT; the handle of the user's classes it merges over
 * the machine's. */
BOOL is_predefined(HKEY key);
BOOL is_classes_root(HKEY key);
NTSTATUS user_classes_handle(HANDLE *handle);

/* NtOpenKeyEx of `name` (NULL or empty: the key itself) relative to `key` (a HKEY), or to `root` (an NT handle). */
NTSTATUS open_key(HKEY key, const WCHAR *name, DWORD options, REGSAM access, HANDLE *result);
NTSTATUS open_below(HANDLE root, const WCHAR *name, DWORD options, REGSAM access, HANDLE *result);

/* ---- HKEY_CLASSES_ROOT's merged view (regclasses.c) ----------------------------------------------------- */

/* Whether `key` is a key of the view (HKEY_CLASSES_ROOT, or a handle tagged as opened from it); a handle tagged. */
BOOL is_classes_key(HKEY key);
HANDLE classes_tagged(HANDLE handle);

/* Opening below a key of the view (the user's side first, then the machine's), the result tagged. */
NTSTATUS classes_open(HKEY key, const WCHAR *name, DWORD options, REGSAM access, HANDLE *result);

/* The side a key `path` (that neither side has) is created below: *owned when the handle is to be closed. */
NTSTATUS classes_create_root(HKEY key, const WCHAR *path, HANDLE *root, BOOL *owned);

/* The merged view's subkey at `index` (NtEnumerateKey's answer of `info_class`, in a heap block), and its counts. */
NTSTATUS classes_enumerate(HKEY key, DWORD index, ULONG info_class, void **info);
NTSTATUS classes_count(HKEY key, DWORD *subkeys, DWORD *max_name);

/* RegCloseKey's: the enumeration cursor forgets a closed key. */
void classes_forget(HKEY key);

/* The calling thread's user key path, \Registry\User\<SID> (RtlFormatCurrentUserKeyPath), in `path`. */
NTSTATUS current_user_path(UNICODE_STRING *path);

/* ---- values (regvalues.c) ------------------------------------------------------------------------------- */

static inline BOOL is_string_type(DWORD type)
{
    return type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ;
}

/* The whole partial information of a value, in a heap block (adv_free it). */
NTSTATUS query_value_full(HANDLE key, const WCHAR *name, KEY_VALUE_PARTIAL_INFORMATION **info);

/* ---- SIDs and tokens (sid.c, token.c) ------------------------------------------------------------------- */

/* The user SID of the calling thread's effective token, in a heap block (adv_free it). */
NTSTATUS current_user_sid(PSID *sid);

/* The SID's S-1-... form, in WCHARs, in `text` (room for SID_STRING_MAX); its length without the terminator. */
#define SID_STRING_MAX 192
SIZE_T format_sid(PSID sid, WCHAR *text);

/* A SID at *text (S-1-... or a two-letter SDDL alias) into `sid` (room for SECURITY_MAX_SID_SIZE); *text moves past
 * it. FALSE if there is none. */
BOOL parse_sid(const WCHAR **text, SID *sid);

#endif
