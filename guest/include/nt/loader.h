/* NT declarations of the loader (ntdll's Ldr functions and the module lists of the PEB); included by nt.h. */
#ifndef WOW64EMU_NT_LOADER_H
#define WOW64EMU_NT_LOADER_H

/* Statuses of the loader and of image sections, typed NTSTATUS (winnt.h has some as DWORD: replaced). */
#undef STATUS_DLL_NOT_FOUND
#undef STATUS_ORDINAL_NOT_FOUND
#undef STATUS_ENTRYPOINT_NOT_FOUND
#undef STATUS_DLL_INIT_FAILED
#define STATUS_IMAGE_NOT_AT_BASE            ((NTSTATUS)0x40000003L)
#define STATUS_IMAGE_MACHINE_TYPE_MISMATCH  ((NTSTATUS)0x4000000EL)
#define STATUS_PROCEDURE_NOT_FOUND          ((NTSTATUS)0xC000007AL)
#define STATUS_INVALID_IMAGE_FORMAT         ((NTSTATUS)0xC000007BL)
#define STATUS_INVALID_IMAGE_NOT_MZ         ((NTSTATUS)0xC000012FL)
#define STATUS_DLL_NOT_FOUND                ((NTSTATUS)0xC0000135L)
#define STATUS_ORDINAL_NOT_FOUND            ((NTSTATUS)0xC0000138L)
#define STATUS_ENTRYPOINT_NOT_FOUND         ((NTSTATUS)0xC0000139L)
#define STATUS_DLL_INIT_FAILED              ((NTSTATUS)0xC0000142L)
#define STATUS_NAME_TOO_LONG                ((NTSTATUS)0xC0000106L)

typedef struct _ANSI_STRING {
    USHORT Length;          /* in bytes, without a terminator */
    USHORT MaximumLength;
    PCHAR Buffer;
} ANSI_STRING, *PANSI_STRING;

/* PEB->Ldr: the heads of the module lists. */
typedef struct _PEB_LDR_DATA {
    ULONG Length;
    BOOLEAN Initialized;
    HANDLE SsHandle;
    LIST_ENTRY InLoadOrderModuleList;
    LIST_ENTRY InMemoryOrderModuleList;
    LIST_ENTRY InInitializationOrderModuleList;
    PVOID EntryInProgress;
    BOOLEAN ShutdownInProgress;
    HANDLE ShutdownThreadId;
} PEB_LDR_DATA, *PPEB_LDR_DATA;

typedef struct _RTL_BALANCED_NODE {
    struct _RTL_BALANCED_NODE *Left;
    struct _RTL_BALANCED_NODE *Right;
    ULONG_PTR ParentValue;
} RTL_BALANCED_NODE;

/* One loaded module (Windows 10's layout). Here the load count is ObsoleteLoadCount (0xFFFF: pinned) and the
 * DdagNode, hash links and index nodes are not kept. */
typedef struct _LDR_DATA_TABLE_ENTRY {
    LIST_ENTRY InLoadOrderLinks;
    LIST_ENTRY InMemoryOrderLinks;
    LIST_ENTRY InInitializationOrderLinks;
    PVOID DllBase;
    PVOID EntryPoint;
    ULONG SizeOfImage;
    UNICODE_STRING FullDllName;
    UNICODE_STRING BaseDllName;
    ULONG Flags;
    USHORT ObsoleteLoadCount;
    USHORT TlsIndex;
    LIST_ENTRY HashLinks;
    ULONG TimeDateStamp;
    PVOID EntryPointActivationContext;
    PVOID Lock;
    PVOID DdagNode;
    LIST_ENTRY NodeModuleLink;
    PVOID LoadContext;
    PVOID ParentDllBase;
    PVOID SwitchBackContext;
    RTL_BALANCED_NODE BaseAddressIndexNode;
    RTL_BALANCED_NODE MappingInfoIndexNode;
    ULONG_PTR OriginalBase;
    LARGE_INTEGER LoadTime;
    ULONG BaseNameHashValue;
    ULONG LoadReason;
    ULONG ImplicitPathOptions;
    ULONG ReferenceCount;
    ULONG DependentLoadFlags;
    UCHAR SigningLevel;
} LDR_DATA_TABLE_ENTRY, *PLDR_DATA_TABLE_ENTRY;

/* LDR_DATA_TABLE_ENTRY.Flags */
#define LDRP_IMAGE_DLL                0x00000004
#define LDRP_PROCESS_STATIC_IMPORT    0x00000020
#define LDRP_IN_LEGACY_LISTS          0x00000040
#define LDRP_LOAD_IN_PROGRESS         0x00001000
#define LDRP_ENTRY_PROCESSED          0x00004000
#define LDRP_PROCESS_ATTACH_CALLED    0x00080000
#define LDRP_PINNED                   0xFFFF          /* ObsoleteLoadCount of a module never unloaded */

/* LDR_DATA_TABLE_ENTRY.LoadReason (LDR_DLL_LOAD_REASON) */
#define LDR_LOAD_REASON_STATIC_DEPENDENCY   0
#define LDR_LOAD_REASON_DYNAMIC_FORWARDER   2
#define LDR_LOAD_REASON_DYNAMIC_LOAD        4

_Static_assert(sizeof(PEB_LDR_DATA) == NT_OFFSETS(0x30, 0x58), "PEB_LDR_DATA size");
NT_CHECK_OFFSET(PEB_LDR_DATA, InLoadOrderModuleList, 0x0C, 0x10);
NT_CHECK_OFFSET(PEB_LDR_DATA, InMemoryOrderModuleList, 0x14, 0x20);
NT_CHECK_OFFSET(PEB_LDR_DATA, InInitializationOrderModuleList, 0x1C, 0x30);
_Static_assert(sizeof(LDR_DATA_TABLE_ENTRY) == NT_OFFSETS(0xA8, 0x120), "LDR_DATA_TABLE_ENTRY size");
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, DllBase, 0x18, 0x30);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, FullDllName, 0x24, 0x48);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, BaseDllName, 0x2C, 0x58);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, Flags, 0x34, 0x68);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, ObsoleteLoadCount, 0x38, 0x6C);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, DdagNode, 0x50, 0x98);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, OriginalBase, 0x80, 0xF8);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, LoadTime, 0x88, 0x100);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, LoadReason, 0x94, 0x10C);
NT_CHECK_OFFSET(LDR_DATA_TABLE_ENTRY, ReferenceCount, 0x9C, 0x114);

NT_IMPORT NTSTATUS NTAPI LdrLoadDll(PWSTR DllPath, PULONG DllCharacteristics, PUNICODE_STRING DllName,
                                    PVOID *DllHandle);
NT_IMPORT NTSTATUS NTAPI LdrGetDllHandle(PWSTR DllPath, PULONG DllCharacteristics, PUNICODE_STRING DllName,
                                         PVOID *DllHandle);
NT_IMPORT NTSTATUS NTAPI LdrGetProcedureAddress(PVOID DllHandle, PANSI_STRING ProcedureName,
                                                ULONG ProcedureNumber, PVOID *ProcedureAddress);
NT_IMPORT NTSTATUS NTAPI LdrUnloadDll(PVOID DllHandle);
NT_IMPORT NTSTATUS NTAPI LdrShutdownProcess(void);
NT_IMPORT NTSTATUS NTAPI LdrShutdownThread(void);
NT_IMPORT NTSTATUS NTAPI LdrDisableThreadCalloutsForDll(PVOID BaseAddress);
/* ExitThread: the last thread ends the process (RtlExitUserProcess); another detaches the DLLs and ends. */
NT_IMPORT DECLSPEC_NORETURN void NTAPI RtlExitUserThread(NTSTATUS ExitStatus);
/* ExitProcess: the other threads end, the DLLs are detached (LdrShutdownProcess), then the process ends. */
NT_IMPORT DECLSPEC_NORETURN void NTAPI RtlExitUserProcess(NTSTATUS ExitStatus);

#endif
