/* NT declarations of virtual memory and sections; included by nt.h. */
#ifndef WOW64EMU_NT_MEMORY_H
#define WOW64EMU_NT_MEMORY_H

/* Statuses of the memory manager, typed NTSTATUS (spelled as the other area headers spell those they share). */
#define STATUS_PARTIAL_COPY            ((NTSTATUS)0x8000000DL)
#define STATUS_NOT_MAPPED_VIEW         ((NTSTATUS)0xC0000019L)
#define STATUS_UNABLE_TO_FREE_VM       ((NTSTATUS)0xC000001AL)
#define STATUS_UNABLE_TO_DELETE_SECTION ((NTSTATUS)0xC000001BL)
#define STATUS_INVALID_VIEW_SIZE       ((NTSTATUS)0xC000001FL)
#define STATUS_INVALID_FILE_FOR_SECTION ((NTSTATUS)0xC0000020L)
#define STATUS_ALREADY_COMMITTED       ((NTSTATUS)0xC0000021L)
#define STATUS_OBJECT_TYPE_MISMATCH    ((NTSTATUS)0xC0000024L)
#define STATUS_NOT_COMMITTED           ((NTSTATUS)0xC000002DL)
#define STATUS_SECTION_TOO_BIG         ((NTSTATUS)0xC0000040L)
#define STATUS_INVALID_PAGE_PROTECTION ((NTSTATUS)0xC0000045L)
#define STATUS_SECTION_NOT_IMAGE       ((NTSTATUS)0xC0000049L)
#define STATUS_SECTION_PROTECTION      ((NTSTATUS)0xC000004EL)
#define STATUS_NOT_MAPPED_DATA         ((NTSTATUS)0xC0000088L)
#define STATUS_INSUFFICIENT_RESOURCES  ((NTSTATUS)0xC000009AL)
#define STATUS_FREE_VM_NOT_AT_BASE     ((NTSTATUS)0xC000009FL)
#define STATUS_MAPPED_FILE_SIZE_ZERO   ((NTSTATUS)0xC000011EL)
#define STATUS_COMMITMENT_LIMIT        ((NTSTATUS)0xC000012DL)
#define STATUS_MAPPED_ALIGNMENT        ((NTSTATUS)0xC0000220L)
#define STATUS_INVALID_PARAMETER_1     ((NTSTATUS)0xC00000EFL)
#define STATUS_INVALID_PARAMETER_2     ((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3     ((NTSTATUS)0xC00000F1L)
#define STATUS_INVALID_PARAMETER_4     ((NTSTATUS)0xC00000F2L)
#define STATUS_INVALID_PARAMETER_5     ((NTSTATUS)0xC00000F3L)
#define STATUS_INVALID_PARAMETER_6     ((NTSTATUS)0xC00000F4L)
#define STATUS_INVALID_PARAMETER_8     ((NTSTATUS)0xC00000F6L)
#define STATUS_INVALID_PARAMETER_9     ((NTSTATUS)0xC00000F7L)
#define STATUS_INVALID_PARAMETER_12    ((NTSTATUS)0xC00000FAL)

typedef enum _MEMORY_INFORMATION_CLASS {
    MemoryBasicInformation,
    MemoryWorkingSetInformation,
    MemoryMappedFilenameInformation
} MEMORY_INFORMATION_CLASS;

typedef enum _SECTION_INFORMATION_CLASS {
    SectionBasicInformation,
    SectionImageInformation
} SECTION_INFORMATION_CLASS;

typedef enum _SECTION_INHERIT {
    ViewShare = 1,
    ViewUnmap = 2
} SECTION_INHERIT;

typedef struct _SECTION_BASIC_INFORMATION {
    PVOID BaseAddress;
    ULONG AllocationAttributes;
    LARGE_INTEGER MaximumSize;
} SECTION_BASIC_INFORMATION;

typedef struct _SECTION_IMAGE_INFORMATION {
    PVOID TransferAddress;
    ULONG ZeroBits;
    SIZE_T MaximumStackSize;
    SIZE_T CommittedStackSize;
    ULONG SubSystemType;
    ULONG SubSystemVersion;
    ULONG OperatingSystemVersion;
    USHORT ImageCharacteristics;
    USHORT DllCharacteristics;
    USHORT Machine;
    BOOLEAN ImageContainsCode;
    UCHAR ImageFlags;
    ULONG LoaderFlags;
    ULONG ImageFileSize;
    ULONG CheckSum;
} SECTION_IMAGE_INFORMATION;

_Static_assert(sizeof(MEMORY_BASIC_INFORMATION) == NT_OFFSETS(28, 48), "MEMORY_BASIC_INFORMATION size");
NT_CHECK_OFFSET(MEMORY_BASIC_INFORMATION, RegionSize, 0x0C, 0x18);
NT_CHECK_OFFSET(MEMORY_BASIC_INFORMATION, Type, 0x18, 0x28);
_Static_assert(sizeof(SECTION_BASIC_INFORMATION) == NT_OFFSETS(16, 24), "SECTION_BASIC_INFORMATION size");
NT_CHECK_OFFSET(SECTION_BASIC_INFORMATION, MaximumSize, 0x08, 0x10);
_Static_assert(sizeof(SECTION_IMAGE_INFORMATION) == NT_OFFSETS(48, 64), "SECTION_IMAGE_INFORMATION size");

NT_IMPORT NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                                ULONG NewProtect, PULONG OldProtect);
NT_IMPORT NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
                                              MEMORY_INFORMATION_CLASS MemoryInformationClass,
                                              PVOID MemoryInformation, SIZE_T MemoryInformationLength,
                                              PSIZE_T ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtReadVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer,
                                             SIZE_T NumberOfBytesToRead, PSIZE_T NumberOfBytesRead);
NT_IMPORT NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer,
                                              SIZE_T NumberOfBytesToWrite, PSIZE_T NumberOfBytesWritten);
NT_IMPORT NTSTATUS NTAPI NtFlushInstructionCache(HANDLE ProcessHandle, PVOID BaseAddress, SIZE_T Length);
NT_IMPORT NTSTATUS NTAPI NtFlushVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                              PIO_STATUS_BLOCK IoStatus);
NT_IMPORT NTSTATUS NTAPI NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess,
                                         POBJECT_ATTRIBUTES ObjectAttributes, PLARGE_INTEGER MaximumSize,
                                         ULONG SectionPageProtection, ULONG AllocationAttributes,
                                         HANDLE FileHandle);
NT_IMPORT NTSTATUS NTAPI NtOpenSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess,
                                       POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress,
                                            ULONG_PTR ZeroBits, SIZE_T CommitSize, PLARGE_INTEGER SectionOffset,
                                            PSIZE_T ViewSize, SECTION_INHERIT InheritDisposition,
                                            ULONG AllocationType, ULONG Win32Protect);
NT_IMPORT NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress);
NT_IMPORT NTSTATUS NTAPI NtQuerySection(HANDLE SectionHandle, SECTION_INFORMATION_CLASS SectionInformationClass,
                                        PVOID SectionInformation, SIZE_T SectionInformationLength,
                                        PSIZE_T ResultLength);

#endif
