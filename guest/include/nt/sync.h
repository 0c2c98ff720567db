/* NT declarations of synchronisation objects, waits and timers; included by nt.h. */
#ifndef WOW64EMU_NT_SYNC_H
#define WOW64EMU_NT_SYNC_H

/* Wait statuses, typed NTSTATUS (winnt.h has some of them as DWORD). */
#undef STATUS_WAIT_0
#undef STATUS_ABANDONED_WAIT_0
#undef STATUS_USER_APC
#undef STATUS_TIMEOUT
#define STATUS_WAIT_0                  ((NTSTATUS)0x00000000L)
#define STATUS_ABANDONED_WAIT_0        ((NTSTATUS)0x00000080L)
#define STATUS_USER_APC                ((NTSTATUS)0x000000C0L)
#define STATUS_TIMEOUT                 ((NTSTATUS)0x00000102L)
#ifndef STATUS_ALERTED
#define STATUS_ALERTED                 ((NTSTATUS)0x00000101L)
#endif
#ifndef STATUS_MORE_ENTRIES
#define STATUS_MORE_ENTRIES            ((NTSTATUS)0x00000105L)
#endif
#ifndef STATUS_OBJECT_NAME_EXISTS
#define STATUS_OBJECT_NAME_EXISTS      ((NTSTATUS)0x40000000L)
#endif
#ifndef STATUS_UNSUCCESSFUL
#define STATUS_UNSUCCESSFUL            ((NTSTATUS)0xC0000001L)
#endif
#ifndef STATUS_RESOURCE_NOT_OWNED
#define STATUS_RESOURCE_NOT_OWNED      ((NTSTATUS)0xC0000264L)
#endif
#ifndef STATUS_NO_MORE_ENTRIES
#define STATUS_NO_MORE_ENTRIES         ((NTSTATUS)0x8000001AL)
#endif
#ifndef STATUS_OBJECT_TYPE_MISMATCH
#define STATUS_OBJECT_TYPE_MISMATCH    ((NTSTATUS)0xC0000024L)
#endif
#ifndef STATUS_INVALID_PARAMETER_MIX
#define STATUS_INVALID_PARAMETER_MIX   ((NTSTATUS)0xC0000030L)
#endif
#ifndef STATUS_OBJECT_PATH_SYNTAX_BAD
#define STATUS_OBJECT_PATH_SYNTAX_BAD  ((NTSTATUS)0xC000003BL)
#endif
#ifndef STATUS_MUTANT_NOT_OWNED
#define STATUS_MUTANT_NOT_OWNED        ((NTSTATUS)0xC0000046L)
#endif
#ifndef STATUS_SEMAPHORE_LIMIT_EXCEEDED
#define STATUS_SEMAPHORE_LIMIT_EXCEEDED ((NTSTATUS)0xC0000047L)
#endif
#ifndef STATUS_PRIVILEGE_NOT_HELD
#define STATUS_PRIVILEGE_NOT_HELD      ((NTSTATUS)0xC0000061L)
#endif
#ifndef STATUS_INVALID_PARAMETER_1
#define STATUS_INVALID_PARAMETER_1     ((NTSTATUS)0xC00000EFL)
#endif
#ifndef STATUS_INVALID_PARAMETER_3
#define STATUS_INVALID_PARAMETER_3     ((NTSTATUS)0xC00000F1L)
#endif
#ifndef STATUS_NOT_SAME_OBJECT
#define STATUS_NOT_SAME_OBJECT         ((NTSTATUS)0xC00001ACL)
#endif
#ifndef STATUS_HANDLE_NOT_CLOSABLE
#define STATUS_HANDLE_NOT_CLOSABLE     ((NTSTATUS)0xC0000235L)
#endif
#ifndef STATUS_TIMER_RESOLUTION_NOT_SET
#define STATUS_TIMER_RESOLUTION_NOT_SET ((NTSTATUS)0xC0000245L)
#endif

/* Access rights winnt.h lacks. */
#ifndef EVENT_QUERY_STATE
#define EVENT_QUERY_STATE      0x0001
#endif
#ifndef SEMAPHORE_QUERY_STATE
#define SEMAPHORE_QUERY_STATE  0x0001
#endif

typedef enum _EVENT_TYPE {
    NotificationEvent,
    SynchronizationEvent
} EVENT_TYPE;

typedef enum _WAIT_TYPE {
    WaitAll,
    WaitAny
} WAIT_TYPE;

/* EventBasicInformation, MutantBasicInformation, SemaphoreBasicInformation: class 0 of each query. */
typedef struct _EVENT_BASIC_INFORMATION {
    EVENT_TYPE EventType;
    LONG EventState;
} EVENT_BASIC_INFORMATION;

typedef struct _MUTANT_BASIC_INFORMATION {
    LONG CurrentCount;
    BOOLEAN OwnedByCaller;
    BOOLEAN AbandonedState;
} MUTANT_BASIC_INFORMATION;

typedef struct _SEMAPHORE_BASIC_INFORMATION {
    LONG CurrentCount;
    LONG MaximumCount;
} SEMAPHORE_BASIC_INFORMATION;

_Static_assert(sizeof(EVENT_BASIC_INFORMATION) == 8, "EVENT_BASIC_INFORMATION size");
_Static_assert(sizeof(MUTANT_BASIC_INFORMATION) == 8, "MUTANT_BASIC_INFORMATION size");
_Static_assert(sizeof(SEMAPHORE_BASIC_INFORMATION) == 8, "SEMAPHORE_BASIC_INFORMATION size");

NT_IMPORT NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                                       POBJECT_ATTRIBUTES ObjectAttributes, EVENT_TYPE EventType,
                                       BOOLEAN InitialState);
NT_IMPORT NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                                     POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState);
NT_IMPORT NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState);
NT_IMPORT NTSTATUS NTAPI NtClearEvent(HANDLE EventHandle);
NT_IMPORT NTSTATUS NTAPI NtYieldExecution(void);
NT_IMPORT NTSTATUS NTAPI NtPulseEvent(HANDLE EventHandle, PLONG PreviousState);
NT_IMPORT NTSTATUS NTAPI NtQueryEvent(HANDLE EventHandle, ULONG EventInformationClass, PVOID EventInformation,
                                      ULONG EventInformationLength, PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                                        POBJECT_ATTRIBUTES ObjectAttributes, BOOLEAN InitialOwner);
NT_IMPORT NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtReleaseMutant(HANDLE MutantHandle, PLONG PreviousCount);
NT_IMPORT NTSTATUS NTAPI NtQueryMutant(HANDLE MutantHandle, ULONG MutantInformationClass,
                                       PVOID MutantInformation, ULONG MutantInformationLength,
                                       PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                           POBJECT_ATTRIBUTES ObjectAttributes, LONG InitialCount,
                                           LONG MaximumCount);
NT_IMPORT NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                         POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtReleaseSemaphore(HANDLE SemaphoreHandle, LONG ReleaseCount, PLONG PreviousCount);
NT_IMPORT NTSTATUS NTAPI NtQuerySemaphore(HANDLE SemaphoreHandle, ULONG SemaphoreInformationClass,
                                          PVOID SemaphoreInformation, ULONG SemaphoreInformationLength,
                                          PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout);
NT_IMPORT NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE *Handles, WAIT_TYPE WaitType,
                                                  BOOLEAN Alertable, PLARGE_INTEGER Timeout);
NT_IMPORT NTSTATUS NTAPI NtSignalAndWaitForSingleObject(HANDLE SignalHandle, HANDLE WaitHandle,
                                                        BOOLEAN Alertable, PLARGE_INTEGER Timeout);

/* Alerts by thread id (Windows 8 and later), and the waits on an address ntdll builds on them (sync.c). */
NT_IMPORT NTSTATUS NTAPI NtAlertThreadByThreadId(HANDLE ThreadId);
NT_IMPORT NTSTATUS NTAPI NtWaitForAlertByThreadId(PVOID Address, PLARGE_INTEGER Timeout);
NT_IMPORT NTSTATUS NTAPI RtlWaitOnAddress(const void *Address, const void *CompareAddress, SIZE_T AddressSize,
                                          const LARGE_INTEGER *Timeout);
NT_IMPORT void NTAPI RtlWakeAddressSingle(const void *Address);
NT_IMPORT void NTAPI RtlWakeAddressAll(const void *Address);

/* Timer resolution, in 100 ns units. */
NT_IMPORT NTSTATUS NTAPI NtQueryTimerResolution(PULONG MaximumTime, PULONG MinimumTime, PULONG CurrentTime);
NT_IMPORT NTSTATUS NTAPI NtSetTimerResolution(ULONG DesiredTime, BOOLEAN SetResolution, PULONG CurrentTime);

#endif
