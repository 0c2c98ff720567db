/*
 * kernel32: GetModuleFileNameW/A for the process image (NULL or its base address), from the ImagePathName of
 * the process parameters. Other modules are not listed in the PEB here: ERROR_MOD_NOT_FOUND.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32process.h"

/* The image path, or NULL (with the last error set) for a module that is not the image. */
static const UNICODE_STRING *image_path(HMODULE module)
{
    if (module && (PVOID)module != nt_current_teb()->Peb->ImageBaseAddress) {
        SetLastError(ERROR_MOD_NOT_FOUND);
        return NULL;
    }
    return &nt_process_parameters()->ImagePathName;
}

/* Vista's rule: a short buffer gets the name cut to size - 1 characters and a NUL, the result is `size` and the
 * last error ERROR_INSUFFICIENT_BUFFER; otherwise the name and the length without the NUL. */
static DWORD module_file_name(HMODULE module, void *buffer, DWORD size, BOOL wide)
{
    const UNICODE_STRING *path = image_path(module);
    DWORD length;

    if (!path)
        return 0;
    length = path->Length / sizeof(WCHAR);
    if (length < size) {
        put_string(buffer, wide, path->Buffer, length);
        return length;
    }
    if (size)
        put_string(buffer, wide, path->Buffer, size - 1);
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return size;
}

DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR buffer, DWORD size)
{
    return module_file_name(module, buffer, size, TRUE);
}

DWORD WINAPI GetModuleFileNameA(HMODULE module, LPSTR buffer, DWORD size)
{
    return module_file_name(module, buffer, size, FALSE);
}
