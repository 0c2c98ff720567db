/* NT declarations of processes, threads, tokens and system information; included by nt.h. */
#ifndef WOW64EMU_NT_PROCESS_H
#define WOW64EMU_NT_PROCESS_H

#ifndef STATUS_INVALID_CID
#define STATUS_INVALID_CID             ((NTSTATUS)0xC000000BL)
#endif
#ifndef STATUS_OBJECT_TYPE_MISMATCH
#define STATUS_OBJECT_TYPE_MISMATCH    ((NTSTATUS)0xC0000024L)
#endif
#ifndef STATUS_NO_TOKEN
#define STATUS_NO_TOKEN                ((NTSTATUS)0xC000007CL)
#endif

/* Pseudo handles of the tokens of the current process and thread (Windows 8 and later). */
#define NtCurrentProcessToken()          ((HANDLE)(LONG_PTR)-4)
#define NtCurrentThreadToken()           ((HANDLE)(LONG_PTR)-5)
#define NtCurrentThreadEffectiveToken()  ((HANDLE)(LONG_PTR)-6)

typedef LONG KPRIORITY;

typedef enum _PROCESSINFOCLASS {
    ProcessBasicInformation = 0,
    ProcessTimes = 4,
    ProcessDebugPort = 7,
    ProcessDefaultHardErrorMode = 12,
    ProcessPriorityClass = 18,
    ProcessHandleCount = 20,
    ProcessAffinityMask = 21,
    ProcessSessionInformation = 24,
    ProcessWow64Information = 26,
    ProcessImageFileName = 27,
    ProcessCookie = 36,
    ProcessImageFileNameWin32 = 43,
} PROCESSINFOCLASS;

typedef enum _THREADINFOCLASS {
    ThreadBasicInformation = 0,
    ThreadTimes = 1,
    ThreadPriority = 2,
    ThreadBasePriority = 3,
    ThreadImpersonationToken = 5,
    ThreadQuerySetWin32StartAddress = 9,
    ThreadAmILastThread = 12,
    ThreadHideFromDebugger = 17,
    ThreadIsTerminated = 20,
} THREADINFOCLASS;

typedef enum _SYSTEM_INFORMATION_CLASS {
    SystemBasicInformation = 0,
    SystemProcessorInformation = 1,
    SystemTimeOfDayInformation = 3,
    SystemProcessInformation = 5,
    SystemTimeAdjustmentInformation = 28,
    SystemKernelDebuggerInformation = 35,
    SystemCurrentTimeZoneInformation = 44,
    SystemEmulationBasicInformation = 62,
    SystemEmulationProcessorInformation = 63,
} SYSTEM_INFORMATION_CLASS;

typedef struct _PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus;
    NT_PEB *PebBaseAddress;
    ULONG_PTR AffinityMask;
    KPRIORITY BasePriority;
    ULONG_PTR UniqueProcessId;
    ULONG_PTR InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION;

typedef struct _KERNEL_USER_TIMES {            /* ProcessTimes, ThreadTimes */
    LARGE_INTEGER CreateTime;
    LARGE_INTEGER ExitTime;
    LARGE_INTEGER KernelTime;
    LARGE_INTEGER UserTime;
} KERNEL_USER_TIMES;

typedef struct _PROCESS_PRIORITY_CLASS {       /* ProcessPriorityClass */
    BOOLEAN Foreground;
    UCHAR PriorityClass;                       /* PROCESS_PRIORITY_CLASS_* */
} PROCESS_PRIORITY_CLASS;

#define PROCESS_PRIORITY_CLASS_IDLE 1
#define PROCESS_PRIORITY_CLASS_NORMAL 2
#define PROCESS_PRIORITY_CLASS_HIGH 3
#define PROCESS_PRIORITY_CLASS_REALTIME 4
#define PROCESS_PRIORITY_CLASS_BELOW_NORMAL 5
#define PROCESS_PRIORITY_CLASS_ABOVE_NORMAL 6

typedef struct _SYSTEM_QUERY_TIME_ADJUST_INFORMATION {  /* SystemTimeAdjustmentInformation */
    ULONG TimeAdjustment;
    ULONG TimeIncrement;
    BOOLEAN Enable;                            /* TRUE: no adjustment is made */
} SYSTEM_QUERY_TIME_ADJUST_INFORMATION;

typedef struct _THREAD_BASIC_INFORMATION {
    NTSTATUS ExitStatus;
    NT_TEB *TebBaseAddress;
    CLIENT_ID ClientId;
    ULONG_PTR AffinityMask;
    KPRIORITY Priority;
    LONG BasePriority;             /* relative to the process's base priority */
} THREAD_BASIC_INFORMATION;

typedef struct _SYSTEM_BASIC_INFORMATION {
    ULONG Reserved;
    ULONG TimerResolution;
    ULONG PageSize;
    ULONG NumberOfPhysicalPages;
    ULONG LowestPhysicalPageNumber;
    ULONG HighestPhysicalPageNumber;
    ULONG AllocationGranularity;
    ULONG_PTR MinimumUserModeAddress;
    ULONG_PTR MaximumUserModeAddress;
    ULONG_PTR ActiveProcessorsAffinityMask;
    CCHAR NumberOfProcessors;
} SYSTEM_BASIC_INFORMATION;

typedef struct _SYSTEM_PROCESSOR_INFORMATION {
    USHORT ProcessorArchitecture;
    USHORT ProcessorLevel;
    USHORT ProcessorRevision;
    USHORT MaximumProcessors;
    ULONG ProcessorFeatureBits;
} SYSTEM_PROCESSOR_INFORMATION;

typedef struct _SYSTEM_TIMEOFDAY_INFORMATION {
    LARGE_INTEGER BootTime;
    LARGE_INTEGER CurrentTime;
    LARGE_INTEGER TimeZoneBias;
    ULONG TimeZoneId;
    ULONG Reserved;
    ULONGLONG BootTimeBias;
    ULONGLONG SleepTimeBias;
} SYSTEM_TIMEOFDAY_INFORMATION;

typedef struct _SYSTEM_THREAD_INFORMATION {
    LARGE_INTEGER KernelTime;
    LARGE_INTEGER UserTime;
    LARGE_INTEGER CreateTime;
    ULONG WaitTime;
    PVOID StartAddress;
    CLIENT_ID ClientId;
    KPRIORITY Priority;
    LONG BasePriority;
    ULONG ContextSwitches;
    ULONG ThreadState;
    ULONG WaitReason;
} SYSTEM_THREAD_INFORMATION;

typedef struct _SYSTEM_PROCESS_INFORMATION {
    ULONG NextEntryOffset;
    ULONG NumberOfThreads;
    LARGE_INTEGER WorkingSetPrivateSize;
    ULONG HardFaultCount;
    ULONG NumberOfThreadsHighWatermark;
    ULONGLONG CycleTime;
    LARGE_INTEGER CreateTime;
    LARGE_INTEGER UserTime;
    LARGE_INTEGER KernelTime;
    UNICODE_STRING ImageName;
    KPRIORITY BasePriority;
    HANDLE UniqueProcessId;
    HANDLE InheritedFromUniqueProcessId;
    ULONG HandleCount;
    ULONG SessionId;
    ULONG_PTR UniqueProcessKey;
    SIZE_T PeakVirtualSize;
    SIZE_T VirtualSize;
    ULONG PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;
    SIZE_T PeakPagefileUsage;
    SIZE_T PrivatePageCount;
    LARGE_INTEGER ReadOperationCount;
    LARGE_INTEGER WriteOperationCount;
    LARGE_INTEGER OtherOperationCount;
    LARGE_INTEGER ReadTransferCount;
    LARGE_INTEGER WriteTransferCount;
    LARGE_INTEGER OtherTransferCount;
    SYSTEM_THREAD_INFORMATION Threads[];
} SYSTEM_PROCESS_INFORMATION;

typedef struct _SYSTEM_KERNEL_DEBUGGER_INFORMATION {
    BOOLEAN KernelDebuggerEnabled;
    BOOLEAN KernelDebuggerNotPresent;
} SYSTEM_KERNEL_DEBUGGER_INFORMATION;

NT_CHECK_OFFSET(PROCESS_BASIC_INFORMATION, PebBaseAddress, 0x04, 0x08);
NT_CHECK_OFFSET(PROCESS_BASIC_INFORMATION, UniqueProcessId, 0x10, 0x20);
NT_CHECK_OFFSET(THREAD_BASIC_INFORMATION, ClientId, 0x08, 0x10);
NT_CHECK_OFFSET(THREAD_BASIC_INFORMATION, BasePriority, 0x18, 0x2C);
NT_CHECK_OFFSET(SYSTEM_BASIC_INFORMATION, MinimumUserModeAddress, 0x1C, 0x20);
NT_CHECK_OFFSET(SYSTEM_BASIC_INFORMATION, NumberOfProcessors, 0x28, 0x38);
NT_CHECK_OFFSET(SYSTEM_PROCESS_INFORMATION, ImageName, 0x38, 0x38);
NT_CHECK_OFFSET(SYSTEM_PROCESS_INFORMATION, UniqueProcessId, 0x44, 0x50);
NT_CHECK_OFFSET(SYSTEM_PROCESS_INFORMATION, HandleCount, 0x4C, 0x60);
NT_CHECK_OFFSET(SYSTEM_PROCESS_INFORMATION, Threads, 0xB8, 0x100);
NT_CHECK_OFFSET(SYSTEM_THREAD_INFORMATION, ClientId, 0x20, 0x28);
_Static_assert(sizeof(PROCESS_BASIC_INFORMATION) == NT_OFFSETS(24, 48), "PROCESS_BASIC_INFORMATION size");
_Static_assert(sizeof(THREAD_BASIC_INFORMATION) == NT_OFFSETS(28, 48), "THREAD_BASIC_INFORMATION size");
_Static_assert(sizeof(SYSTEM_BASIC_INFORMATION) == NT_OFFSETS(44, 64), "SYSTEM_BASIC_INFORMATION size");
_Static_assert(sizeof(SYSTEM_PROCESSOR_INFORMATION) == 12, "SYSTEM_PROCESSOR_INFORMATION size");
_Static_assert(sizeof(SYSTEM_TIMEOFDAY_INFORMATION) == 48, "SYSTEM_TIMEOFDAY_INFORMATION size");
_Static_assert(sizeof(SYSTEM_THREAD_INFORMATION) == NT_OFFSETS(0x40, 0x50), "SYSTEM_THREAD_INFORMATION size");
_Static_assert(sizeof(SYSTEM_PROCESS_INFORMATION) == NT_OFFSETS(0xB8, 0x100), "SYSTEM_PROCESS_INFORMATION size");

/* PEB fields past NT_PEB: the version of Windows, as the loader writes it. */
#define NT_PEB_OS_MAJOR_VERSION  NT_OFFSETS(0xA4, 0x118)    /* ULONG */
#define NT_PEB_OS_MINOR_VERSION  NT_OFFSETS(0xA8, 0x11C)    /* ULONG */
#define NT_PEB_OS_BUILD_NUMBER   NT_OFFSETS(0xAC, 0x120)    /* USHORT */
#define NT_PEB_OS_PLATFORM_ID    NT_OFFSETS(0xB0, 0x124)    /* ULONG */
#define NT_PEB_API_SET_MAP       NT_OFFSETS(0x38, 0x68)     /* the API set schema (API_SET_NAMESPACE *) */
#define NT_PEB_FIELD(type, offset) (*(type *)((char *)nt_current_teb()->Peb + (offset)))

/* KUSER_SHARED_DATA: the processor architecture of the machine (the same in both views of a WoW64 process). */
#define KUSD_NATIVE_PROCESSOR_ARCHITECTURE 0x26A   /* USHORT */

NT_IMPORT NTSTATUS NTAPI NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                                       POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId);
NT_IMPORT NTSTATUS NTAPI NtOpenThread(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId);
NT_IMPORT NTSTATUS NTAPI NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                                   PVOID ProcessInformation, ULONG ProcessInformationLength,
                                                   PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtSetInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                                 PVOID ProcessInformation, ULONG ProcessInformationLength);
NT_IMPORT NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                                  PVOID ThreadInformation, ULONG ThreadInformationLength,
                                                  PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtSetInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                                PVOID ThreadInformation, ULONG ThreadInformationLength);
NT_IMPORT NTSTATUS NTAPI NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                                  PVOID SystemInformation, ULONG SystemInformationLength,
                                                  PULONG ReturnLength);
NT_IMPORT ULONG NTAPI NtGetCurrentProcessorNumber(void);

/* Threads' lives (the emulator's kernel/threadlife.py): AttributeList must be NULL. */
#define THREAD_CREATE_FLAGS_CREATE_SUSPENDED 0x00000001
#define THREAD_CREATE_FLAGS_HIDE_FROM_DEBUGGER 0x00000004
NT_IMPORT NTSTATUS NTAPI NtCreateThreadEx(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
                                          PVOID StartRoutine, PVOID Argument, ULONG CreateFlags, SIZE_T ZeroBits,
                                          SIZE_T StackSize, SIZE_T MaximumStackSize, PVOID AttributeList);
NT_IMPORT NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus);
NT_IMPORT NTSTATUS NTAPI NtSuspendThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount);
NT_IMPORT NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount);
NT_IMPORT NTSTATUS NTAPI NtOpenProcessToken(HANDLE ProcessHandle, ACCESS_MASK DesiredAccess, PHANDLE TokenHandle);
NT_IMPORT NTSTATUS NTAPI NtOpenProcessTokenEx(HANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                                              ULONG HandleAttributes, PHANDLE TokenHandle);
NT_IMPORT NTSTATUS NTAPI NtOpenThreadToken(HANDLE ThreadHandle, ACCESS_MASK DesiredAccess, BOOLEAN OpenAsSelf,
                                           PHANDLE TokenHandle);
NT_IMPORT NTSTATUS NTAPI NtImpersonateThread(HANDLE ServerThreadHandle, HANDLE ClientThreadHandle,
                                             PSECURITY_QUALITY_OF_SERVICE SecurityQos);
NT_IMPORT NTSTATUS NTAPI NtQueryInformationToken(HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                                 PVOID TokenInformation, ULONG TokenInformationLength,
                                                 PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtQueryDefaultLocale(BOOLEAN UserProfile, PLCID DefaultLocaleId);
NT_IMPORT NTSTATUS NTAPI NtQueryDefaultUILanguage(LANGID *DefaultUILanguageId);
NT_IMPORT NTSTATUS NTAPI NtQueryInstallUILanguage(LANGID *InstallUILanguageId);

#endif
