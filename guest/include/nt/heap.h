/* NT declarations of ntdll's heap and critical sections (guest/ntdll/heap.c, critsec.c); included by nt.h. The
 * structures are winnt.h's (RTL_CRITICAL_SECTION, RTL_CRITICAL_SECTION_DEBUG, HEAP_INFORMATION_CLASS, and
 * RtlSetHeapInformation/RtlQueryHeapInformation). */
#ifndef WOW64EMU_NT_HEAP_H
#define WOW64EMU_NT_HEAP_H

#ifndef STATUS_HEAP_CORRUPTION
#define STATUS_HEAP_CORRUPTION         ((NTSTATUS)0xC0000374L)
#endif

/* The heap-related fields of the PEB (Windows 10 22H2 offsets, both widths). */
#define PEB_PROCESS_HEAP               NT_OFFSETS(0x18, 0x30)
#define PEB_HEAP_SEGMENT_RESERVE       NT_OFFSETS(0x78, 0xC8)     /* SIZE_T */
#define PEB_HEAP_SEGMENT_COMMIT        NT_OFFSETS(0x7C, 0xD0)     /* SIZE_T */
#define PEB_NUMBER_OF_HEAPS            NT_OFFSETS(0x88, 0xE8)     /* ULONG */
#define PEB_MAXIMUM_NUMBER_OF_HEAPS    NT_OFFSETS(0x8C, 0xEC)     /* ULONG */
#define PEB_PROCESS_HEAPS              NT_OFFSETS(0x90, 0xF0)     /* PVOID * */
#define PEB_FIELD(type, offset) (*(type *)((char *)nt_current_teb()->Peb + (offset)))

/* RtlCreateHeap's flags winnt.h lacks: the heap class (what the process heap and HeapCreate's heaps are). */
#define HEAP_CLASS_0                   0x00000000
#define HEAP_CLASS_1                   0x00001000

NT_IMPORT PVOID NTAPI RtlCreateHeap(ULONG Flags, PVOID HeapBase, SIZE_T ReserveSize, SIZE_T CommitSize, PVOID Lock,
                                    PVOID Parameters);
NT_IMPORT PVOID NTAPI RtlDestroyHeap(PVOID HeapHandle);
NT_IMPORT PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags, SIZE_T Size);
NT_IMPORT BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress);
NT_IMPORT PVOID NTAPI RtlReAllocateHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress, SIZE_T Size);
NT_IMPORT SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress);
NT_IMPORT BOOLEAN NTAPI RtlValidateHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress);
NT_IMPORT BOOLEAN NTAPI RtlLockHeap(PVOID HeapHandle);
NT_IMPORT BOOLEAN NTAPI RtlUnlockHeap(PVOID HeapHandle);
NT_IMPORT ULONG NTAPI RtlGetProcessHeaps(ULONG NumberOfHeaps, PVOID *ProcessHeaps);
NT_IMPORT SIZE_T NTAPI RtlCompactHeap(PVOID HeapHandle, ULONG Flags);
/* HeapOptimizeResources (Windows 8.1), which mingw-w64's winnt.h lacks. */
#define HeapOptimizeResources          ((HEAP_INFORMATION_CLASS)3)
#define HEAP_OPTIMIZE_RESOURCES_CURRENT_VERSION 1
typedef struct _HEAP_OPTIMIZE_RESOURCES_INFORMATION {
    DWORD Version;
    DWORD Flags;
} HEAP_OPTIMIZE_RESOURCES_INFORMATION;

/* RtlSetHeapInformation and RtlQueryHeapInformation: winnt.h declares them (an NTSTATUS typed DWORD). */

/* RtlWalkHeap's entry: a segment (RTL_HEAP_SEGMENT), a block (busy with RTL_HEAP_BUSY, or free) or the uncommitted
 * end of a segment (RTL_HEAP_UNCOMMITTED_RANGE). kernel32's HeapWalk turns it into a PROCESS_HEAP_ENTRY. */
typedef struct _RTL_HEAP_WALK_ENTRY {
    PVOID DataAddress;
    SIZE_T DataSize;
    UCHAR OverheadBytes;
    UCHAR SegmentIndex;
    USHORT Flags;
    union {
        struct {
            SIZE_T Settable;
            USHORT TagIndex;
            USHORT AllocatorBackTraceIndex;
            ULONG Reserved[2];
        } Block;
        struct {
            ULONG CommittedSize;
            ULONG UnCommittedSize;
            PVOID FirstEntry;
            PVOID LastEntry;
        } Segment;
    };
} RTL_HEAP_WALK_ENTRY, *PRTL_HEAP_WALK_ENTRY;
#define RTL_HEAP_BUSY                  0x0001
#define RTL_HEAP_SEGMENT               0x0002
#define RTL_HEAP_UNCOMMITTED_RANGE     0x0100

NT_IMPORT NTSTATUS NTAPI RtlWalkHeap(PVOID HeapHandle, PRTL_HEAP_WALK_ENTRY Entry);

NT_IMPORT NTSTATUS NTAPI RtlInitializeCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NT_IMPORT NTSTATUS NTAPI RtlInitializeCriticalSectionAndSpinCount(PRTL_CRITICAL_SECTION CriticalSection,
                                                                  ULONG SpinCount);
NT_IMPORT NTSTATUS NTAPI RtlInitializeCriticalSectionEx(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount,
                                                        ULONG Flags);
NT_IMPORT NTSTATUS NTAPI RtlEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
/* BOOLEAN in Windows' headers, but the whole register is set (kernel32's TryEnterCriticalSection, a BOOL, is a
 * forwarder to it): a ULONG here. */
NT_IMPORT ULONG NTAPI RtlTryEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NT_IMPORT NTSTATUS NTAPI RtlLeaveCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NT_IMPORT NTSTATUS NTAPI RtlDeleteCriticalSection(PRTL_CRITICAL_SECTION CriticalSection);
NT_IMPORT ULONG NTAPI RtlSetCriticalSectionSpinCount(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount);
NT_IMPORT ULONG NTAPI RtlIsCriticalSectionLocked(PRTL_CRITICAL_SECTION CriticalSection);
NT_IMPORT ULONG NTAPI RtlIsCriticalSectionLockedByThread(PRTL_CRITICAL_SECTION CriticalSection);

#endif
