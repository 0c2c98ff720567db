/*
 * advapi32: what needs a service the emulator does not have. The service control manager (an RPC server of
 * services.exe) and the cryptographic service providers (registered CSP DLLs) do not exist here: each function is
 * present and fails as Windows fails when the thing is absent, with one `wow64emu: WARNING:` line (guestwarn.h)
 * for the functions that open a session with it:
 *   OpenSCManager       RPC_S_SERVER_UNAVAILABLE (the service control manager cannot be reached)
 *   CryptAcquireContext NTE_PROV_TYPE_NOT_DEF (no provider of the type is installed)
 * and the functions taking their handles fail with ERROR_INVALID_HANDLE (no handle of them can exist).
 */
#include "advapi.h"
#include "guestwarn.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"                 /* the functions take Windows' parameters */

#define NO_SCM "the service control manager is not emulated"
#define NO_CSP "no cryptographic service provider is installed"

SC_HANDLE WINAPI OpenSCManagerW(LPCWSTR lpMachineName, LPCWSTR lpDatabaseName, DWORD dwDesiredAccess)
{
    guest_warn("OpenSCManagerW", NO_SCM);
    SetLastError(RPC_S_SERVER_UNAVAILABLE);
    return NULL;
}

SC_HANDLE WINAPI OpenSCManagerA(LPCSTR lpMachineName, LPCSTR lpDatabaseName, DWORD dwDesiredAccess)
{
    guest_warn("OpenSCManagerA", NO_SCM);
    SetLastError(RPC_S_SERVER_UNAVAILABLE);
    return NULL;
}

SC_HANDLE WINAPI OpenServiceW(SC_HANDLE hSCManager, LPCWSTR lpServiceName, DWORD dwDesiredAccess)
{
    SetLastError(ERROR_INVALID_HANDLE);
    return NULL;
}

SC_HANDLE WINAPI OpenServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName, DWORD dwDesiredAccess)
{
    SetLastError(ERROR_INVALID_HANDLE);
    return NULL;
}

BOOL WINAPI CloseServiceHandle(SC_HANDLE hSCObject)
{
    return fail_error(ERROR_INVALID_HANDLE);
}

BOOL WINAPI QueryServiceStatus(SC_HANDLE hService, LPSERVICE_STATUS lpServiceStatus)
{
    return fail_error(ERROR_INVALID_HANDLE);
}

BOOL WINAPI ControlService(SC_HANDLE hService, DWORD dwControl, LPSERVICE_STATUS lpServiceStatus)
{
    return fail_error(ERROR_INVALID_HANDLE);
}

BOOL WINAPI StartServiceW(SC_HANDLE hService, DWORD dwNumServiceArgs, LPCWSTR *lpServiceArgVectors)
{
    return fail_error(ERROR_INVALID_HANDLE);
}

BOOL WINAPI DeleteService(SC_HANDLE hService)
{
    return fail_error(ERROR_INVALID_HANDLE);
}

BOOL WINAPI CryptAcquireContextW(HCRYPTPROV *phProv, LPCWSTR szContainer, LPCWSTR szProvider, DWORD dwProvType,
                                 DWORD dwFlags)
{
    guest_warn("CryptAcquireContextW", NO_CSP);
    return fail_error((DWORD)NTE_PROV_TYPE_NOT_DEF);
}

BOOL WINAPI CryptAcquireContextA(HCRYPTPROV *phProv, LPCSTR szContainer, LPCSTR szProvider, DWORD dwProvType,
                                 DWORD dwFlags)
{
    guest_warn("CryptAcquireContextA", NO_CSP);
    return fail_error((DWORD)NTE_PROV_TYPE_NOT_DEF);
}

BOOL WINAPI CryptReleaseContext(HCRYPTPROV hProv, DWORD dwFlags)
{
    return fail_error(ERROR_INVALID_HANDLE);
}

BOOL WINAPI CryptGenRandom(HCRYPTPROV hProv, DWORD dwLen, BYTE *pbBuffer)
{
    return fail_error(ERROR_INVALID_HANDLE);
}
