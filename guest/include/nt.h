/*
 * nt.h: the NT native API as the guest userland uses it: types, structures, status codes and the ntdll
 * system calls. Written for wow64emu from the documented layouts; one header for both widths, with the offsets
 * of each width checked at compile time.
 *
 * Include it instead of <windows.h> (it includes windows.h itself, for the basic types).
 */
#ifndef WOW64EMU_NT_H
#define WOW64EMU_NT_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NT_IMPORT                       /* ntdll's own sources define it empty: they call their functions directly */
#define NT_IMPORT __declspec(dllimport)
#endif

typedef LONG NTSTATUS;
#define NT_SUCCESS(status) ((NTSTATUS)(status) >= 0)

/* Status codes (the subset the guest libraries look at), typed NTSTATUS. winnt.h defines some of them as DWORD
 * (the exception codes); those are replaced, so that comparisons with an NTSTATUS stay signed. */
#undef STATUS_PENDING
#undef STATUS_ACCESS_VIOLATION
#undef STATUS_INVALID_HANDLE
#undef STATUS_INVALID_PARAMETER
#undef STATUS_NO_MEMORY
#define STATUS_SUCCESS                 ((NTSTATUS)0x00000000L)
#define STATUS_PENDING                 ((NTSTATUS)0x00000103L)
#define STATUS_BUFFER_OVERFLOW         ((NTSTATUS)0x80000005L)
#define STATUS_NOT_IMPLEMENTED         ((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_INFO_CLASS      ((NTSTATUS)0xC0000003L)
#define STATUS_INFO_LENGTH_MISMATCH    ((NTSTATUS)0xC0000004L)
#define STATUS_ACCESS_VIOLATION        ((NTSTATUS)0xC0000005L)
#define STATUS_INVALID_HANDLE          ((NTSTATUS)0xC0000008L)
#define STATUS_INVALID_PARAMETER       ((NTSTATUS)0xC000000DL)
#define STATUS_END_OF_FILE             ((NTSTATUS)0xC0000011L)
#define STATUS_NO_MEMORY               ((NTSTATUS)0xC0000017L)
#define STATUS_CONFLICTING_ADDRESSES   ((NTSTATUS)0xC0000018L)
#define STATUS_MEMORY_NOT_ALLOCATED    ((NTSTATUS)0xC00000A0L)
#define STATUS_INVALID_SYSTEM_SERVICE  ((NTSTATUS)0xC000001CL)
#define STATUS_ACCESS_DENIED           ((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL        ((NTSTATUS)0xC0000023L)
#define STATUS_OBJECT_NAME_INVALID     ((NTSTATUS)0xC0000033L)
#define STATUS_OBJECT_NAME_NOT_FOUND   ((NTSTATUS)0xC0000034L)
#define STATUS_OBJECT_NAME_COLLISION   ((NTSTATUS)0xC0000035L)
#define STATUS_OBJECT_PATH_NOT_FOUND   ((NTSTATUS)0xC000003AL)
#define STATUS_PIPE_BROKEN             ((NTSTATUS)0xC000014BL)
#define STATUS_INSTANCE_NOT_AVAILABLE  ((NTSTATUS)0xC00000ABL)
#define STATUS_PIPE_NOT_AVAILABLE      ((NTSTATUS)0xC00000ACL)
#define STATUS_PIPE_CLOSING            ((NTSTATUS)0xC00000B1L)
#define STATUS_PIPE_EMPTY              ((NTSTATUS)0xC00000D9L)
#define STATUS_INVALID_PIPE_STATE      ((NTSTATUS)0xC00000ADL)
#define STATUS_PIPE_LISTENING          ((NTSTATUS)0xC00000B3L)
#define STATUS_ILLEGAL_FUNCTION        ((NTSTATUS)0xC00000AFL)
#define STATUS_PIPE_DISCONNECTED       ((NTSTATUS)0xC00000B0L)
#define STATUS_PIPE_CONNECTED          ((NTSTATUS)0xC00000B2L)
#define STATUS_IO_TIMEOUT              ((NTSTATUS)0xC00000B5L)
#define STATUS_NOT_SUPPORTED           ((NTSTATUS)0xC00000BBL)

/* Pseudo handles. */
#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define NtCurrentThread()  ((HANDLE)(LONG_PTR)-2)

typedef struct _UNICODE_STRING {
    USHORT Length;          /* in bytes, without a terminator */
    USHORT MaximumLength;
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

#define OBJ_INHERIT           0x00000002L
#define OBJ_CASE_INSENSITIVE  0x00000040L

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

typedef VOID (NTAPI *PIO_APC_ROUTINE)(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG Reserved);

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

/* NtCreateFile: CreateDisposition (winnt.h has them too, with the same values). */
#ifndef FILE_SUPERSEDE
#define FILE_SUPERSEDE     0
#define FILE_OPEN          1
#define FILE_CREATE        2
#define FILE_OPEN_IF       3
#define FILE_OVERWRITE     4
#define FILE_OVERWRITE_IF  5
#endif

/* NtCreateFile: CreateOptions. */
#define FILE_DIRECTORY_FILE           0x00000001
#define FILE_SYNCHRONOUS_IO_NONALERT  0x00000020
#define FILE_NON_DIRECTORY_FILE       0x00000040

/* The file attributes NtCreateFile accepts. */
#define FILE_ATTRIBUTE_VALID_FLAGS    0x00007FB7

/* IO_STATUS_BLOCK.Information after NtCreateFile. */
#define FILE_SUPERSEDED   0
#define FILE_OPENED       1
#define FILE_CREATED      2
#define FILE_OVERWRITTEN  3

typedef struct _CURDIR {
    UNICODE_STRING DosPath;
    HANDLE Handle;
} CURDIR;

/* RTL_USER_PROCESS_PARAMETERS up to the fields the guest reads. */
typedef struct _RTL_USER_PROCESS_PARAMETERS {
    ULONG MaximumLength;
    ULONG Length;
    ULONG Flags;
    ULONG DebugFlags;
    HANDLE ConsoleHandle;
    ULONG ConsoleFlags;
    HANDLE StandardInput;
    HANDLE StandardOutput;
    HANDLE StandardError;
    CURDIR CurrentDirectory;
    UNICODE_STRING DllPath;
    UNICODE_STRING ImagePathName;
    UNICODE_STRING CommandLine;
    PVOID Environment;
    ULONG StartingX;            /* the STARTUPINFO the process was created with: dwX, ... */
    ULONG StartingY;
    ULONG CountX;
    ULONG CountY;
    ULONG CountCharsX;
    ULONG CountCharsY;
    ULONG FillAttribute;
    ULONG WindowFlags;          /* dwFlags */
    ULONG ShowWindowFlags;      /* wShowWindow */
    UNICODE_STRING WindowTitle;
    UNICODE_STRING DesktopInfo;
    UNICODE_STRING ShellInfo;   /* lpReserved */
    UNICODE_STRING RuntimeData; /* cbReserved2 and lpReserved2: the C runtime's */
} RTL_USER_PROCESS_PARAMETERS, *PRTL_USER_PROCESS_PARAMETERS;

/* The start of the PEB. */
typedef struct _NT_PEB {
    BOOLEAN InheritedAddressSpace;
    BOOLEAN ReadImageFileExecOptions;
    BOOLEAN BeingDebugged;
    BOOLEAN BitField;
    HANDLE Mutant;
    PVOID ImageBaseAddress;
    PVOID Ldr;
    PRTL_USER_PROCESS_PARAMETERS ProcessParameters;
} NT_PEB;

/* The start of the TEB. */
typedef struct _NT_TEB {
    PVOID ExceptionList;
    PVOID StackBase;
    PVOID StackLimit;
    PVOID SubSystemTib;
    PVOID FiberData;
    PVOID ArbitraryUserPointer;
    struct _NT_TEB *Self;
    PVOID EnvironmentPointer;
    CLIENT_ID ClientId;
    PVOID ActiveRpcHandle;
    PVOID ThreadLocalStoragePointer;
    NT_PEB *Peb;
    ULONG LastErrorValue;
} NT_TEB;

#ifdef _WIN64
#define NT_OFFSETS(p32, p64) (p64)
#else
#define NT_OFFSETS(p32, p64) (p32)
#endif
#define NT_CHECK_OFFSET(type, field, p32, p64) \
    _Static_assert(__builtin_offsetof(type, field) == NT_OFFSETS(p32, p64), #type "." #field)

NT_CHECK_OFFSET(NT_TEB, Self, 0x18, 0x30);
NT_CHECK_OFFSET(NT_TEB, ClientId, 0x20, 0x40);
NT_CHECK_OFFSET(NT_TEB, Peb, 0x30, 0x60);
NT_CHECK_OFFSET(NT_TEB, LastErrorValue, 0x34, 0x68);
NT_CHECK_OFFSET(NT_PEB, ProcessParameters, 0x10, 0x20);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, StandardInput, 0x18, 0x20);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, StandardOutput, 0x1C, 0x28);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, StandardError, 0x20, 0x30);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, CurrentDirectory, 0x24, 0x38);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, ImagePathName, 0x38, 0x60);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, CommandLine, 0x40, 0x70);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, ConsoleFlags, 0x14, 0x18);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, WindowFlags, 0x68, 0xA4);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, WindowTitle, 0x70, 0xB0);
NT_CHECK_OFFSET(RTL_USER_PROCESS_PARAMETERS, RuntimeData, 0x88, 0xE0);
_Static_assert(sizeof(UNICODE_STRING) == NT_OFFSETS(8, 16), "UNICODE_STRING size");
_Static_assert(sizeof(OBJECT_ATTRIBUTES) == NT_OFFSETS(24, 48), "OBJECT_ATTRIBUTES size");
_Static_assert(sizeof(IO_STATUS_BLOCK) == NT_OFFSETS(8, 16), "IO_STATUS_BLOCK size");

/* The TEB of the running thread: fs:[0x18] in 32-bit code, gs:[0x30] in 64-bit code (NT_TIB.Self). */
static inline NT_TEB *nt_current_teb(void)
{
    NT_TEB *teb;
#ifdef _WIN64
    __asm__ ("movq %%gs:0x30, %0" : "=r" (teb));
#else
    __asm__ ("movl %%fs:0x18, %0" : "=r" (teb));
#endif
    return teb;
}

static inline PRTL_USER_PROCESS_PARAMETERS nt_process_parameters(void)
{
    return nt_current_teb()->Peb->ProcessParameters;
}

/* KUSER_SHARED_DATA: the same read-only page at the same address in every process and both widths. */
#define KUSER_SHARED_DATA_ADDRESS        0x7FFE0000UL
#define KUSD_TICK_COUNT_MULTIPLIER       0x004    /* ULONG */
#define KUSD_TICK_COUNT                  0x320    /* KSYSTEM_TIME */

typedef struct _KSYSTEM_TIME {
    ULONG LowPart;
    LONG High1Time;
    LONG High2Time;
} KSYSTEM_TIME;

#define KUSD_FIELD(type, offset) (*(volatile type *)(ULONG_PTR)(KUSER_SHARED_DATA_ADDRESS + (offset)))

/* The system calls (ntdll exports). */
NT_IMPORT NTSTATUS NTAPI NtClose(HANDLE Handle);
NT_IMPORT NTSTATUS NTAPI NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                                      PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
                                      ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
                                      ULONG EaLength);
NT_IMPORT NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                                    ULONG ShareAccess, ULONG OpenOptions);
NT_IMPORT NTSTATUS NTAPI NtCreateNamedPipeFile(PHANDLE FileHandle, ULONG DesiredAccess,
                                               POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                                               ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions,
                                               ULONG NamedPipeType, ULONG ReadMode, ULONG CompletionMode,
                                               ULONG MaximumInstances, ULONG InboundQuota, ULONG OutboundQuota,
                                               PLARGE_INTEGER DefaultTimeout);
NT_IMPORT NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                                    ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key);
NT_IMPORT NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                     PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                                     ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key);
NT_IMPORT NTSTATUS NTAPI NtQueryInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock,
                                                PVOID FileInformation, ULONG Length,
                                                ULONG FileInformationClass);
NT_IMPORT NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                                 PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NT_IMPORT NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                             ULONG FreeType);
NT_IMPORT NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
NT_IMPORT NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER PerformanceCounter,
                                                   PLARGE_INTEGER PerformanceFrequency);
NT_IMPORT NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval);
NT_IMPORT NTSTATUS NTAPI NtQuerySystemTime(PLARGE_INTEGER SystemTime);
NT_IMPORT NTSTATUS NTAPI NtSetSystemTime(PLARGE_INTEGER SystemTime, PLARGE_INTEGER PreviousTime);

/* NTSTATUS -> Win32 error (guest/ntdll/ntstatus.c); RtlNtStatusToDosError also keeps the status in the TEB. */
NT_IMPORT ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);
NT_IMPORT ULONG NTAPI RtlNtStatusToDosErrorNoTeb(NTSTATUS Status);

/* Each kernel area declares its own structures, constants and calls in nt/<area>.h. */
#include "nt/console.h"
#include "nt/exceptions.h"
#include "nt/files.h"
#include "nt/heap.h"
#include "nt/jobs.h"
#include "nt/loader.h"
#include "nt/memory.h"
#include "nt/objects.h"
#include "nt/process.h"
#include "nt/registry.h"
#include "nt/security.h"
#include "nt/sync.h"

#ifdef __cplusplus
}
#endif

#endif /* WOW64EMU_NT_H */
