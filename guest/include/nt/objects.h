/* NT declarations of the object manager: handles, names, directories; included by nt.h. */
#ifndef WOW64EMU_NT_OBJECTS_H
#define WOW64EMU_NT_OBJECTS_H

/* OBJECT_ATTRIBUTES.Attributes beyond nt.h's. */
#ifndef OBJ_PROTECT_CLOSE
#define OBJ_PROTECT_CLOSE     0x00000001L
#endif
#ifndef OBJ_PERMANENT
#define OBJ_PERMANENT         0x00000010L
#endif
#ifndef OBJ_OPENIF
#define OBJ_OPENIF            0x00000080L
#endif

/* Directory object rights. */
#ifndef DIRECTORY_QUERY
#define DIRECTORY_QUERY                0x0001
#endif
#ifndef DIRECTORY_TRAVERSE
#define DIRECTORY_TRAVERSE             0x0002
#endif
#ifndef DIRECTORY_CREATE_OBJECT
#define DIRECTORY_CREATE_OBJECT        0x0004
#endif
#ifndef DIRECTORY_CREATE_SUBDIRECTORY
#define DIRECTORY_CREATE_SUBDIRECTORY  0x0008
#endif
#ifndef DIRECTORY_ALL_ACCESS
#define DIRECTORY_ALL_ACCESS           (STANDARD_RIGHTS_REQUIRED | 0xF)
#endif

/* NtDuplicateObject options (winnt.h has the first two). */
#ifndef DUPLICATE_SAME_ATTRIBUTES
#define DUPLICATE_SAME_ATTRIBUTES      0x00000004
#endif

typedef enum _OBJECT_INFORMATION_CLASS {
    ObjectBasicInformation,
    ObjectNameInformation,
    ObjectTypeInformation,
    ObjectTypesInformation,
    ObjectHandleFlagInformation
} OBJECT_INFORMATION_CLASS;

typedef struct _OBJECT_BASIC_INFORMATION {
    ULONG Attributes;
    ACCESS_MASK GrantedAccess;
    ULONG HandleCount;
    ULONG PointerCount;
    ULONG PagedPoolCharge;
    ULONG NonPagedPoolCharge;
    ULONG Reserved[3];
    ULONG NameInfoSize;
    ULONG TypeInfoSize;
    ULONG SecurityDescriptorSize;
    LARGE_INTEGER CreationTime;
} OBJECT_BASIC_INFORMATION;

typedef struct _OBJECT_NAME_INFORMATION {
    UNICODE_STRING Name;
} OBJECT_NAME_INFORMATION;

typedef struct _OBJECT_TYPE_INFORMATION {
    UNICODE_STRING TypeName;
    ULONG TotalNumberOfObjects;
    ULONG TotalNumberOfHandles;
    ULONG TotalPagedPoolUsage;
    ULONG TotalNonPagedPoolUsage;
    ULONG TotalNamePoolUsage;
    ULONG TotalHandleTableUsage;
    ULONG HighWaterNumberOfObjects;
    ULONG HighWaterNumberOfHandles;
    ULONG HighWaterPagedPoolUsage;
    ULONG HighWaterNonPagedPoolUsage;
    ULONG HighWaterNamePoolUsage;
    ULONG HighWaterHandleTableUsage;
    ULONG InvalidAttributes;
    GENERIC_MAPPING GenericMapping;
    ULONG ValidAccessMask;
    BOOLEAN SecurityRequired;
    BOOLEAN MaintainHandleCount;
    UCHAR TypeIndex;
    CHAR ReservedByte;
    ULONG PoolType;
    ULONG DefaultPagedPoolCharge;
    ULONG DefaultNonPagedPoolCharge;
} OBJECT_TYPE_INFORMATION;

typedef struct _OBJECT_HANDLE_FLAG_INFORMATION {
    BOOLEAN Inherit;
    BOOLEAN ProtectFromClose;
} OBJECT_HANDLE_FLAG_INFORMATION;

typedef struct _OBJECT_DIRECTORY_INFORMATION {
    UNICODE_STRING Name;
    UNICODE_STRING TypeName;
} OBJECT_DIRECTORY_INFORMATION;

_Static_assert(sizeof(OBJECT_BASIC_INFORMATION) == 0x38, "OBJECT_BASIC_INFORMATION size");
_Static_assert(sizeof(OBJECT_TYPE_INFORMATION) == NT_OFFSETS(0x60, 0x68), "OBJECT_TYPE_INFORMATION size");
_Static_assert(sizeof(OBJECT_DIRECTORY_INFORMATION) == NT_OFFSETS(16, 32), "OBJECT_DIRECTORY_INFORMATION size");
NT_CHECK_OFFSET(OBJECT_TYPE_INFORMATION, GenericMapping, 0x3C, 0x44);
NT_CHECK_OFFSET(OBJECT_TYPE_INFORMATION, ValidAccessMask, 0x4C, 0x54);

NT_IMPORT NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                                           HANDLE TargetProcessHandle, PHANDLE TargetHandle,
                                           ACCESS_MASK DesiredAccess, ULONG HandleAttributes, ULONG Options);
NT_IMPORT NTSTATUS NTAPI NtQueryObject(HANDLE Handle, OBJECT_INFORMATION_CLASS ObjectInformationClass,
                                       PVOID ObjectInformation, ULONG ObjectInformationLength,
                                       PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtSetInformationObject(HANDLE Handle, OBJECT_INFORMATION_CLASS ObjectInformationClass,
                                                PVOID ObjectInformation, ULONG ObjectInformationLength);
NT_IMPORT NTSTATUS NTAPI NtCompareObjects(HANDLE FirstObjectHandle, HANDLE SecondObjectHandle);
NT_IMPORT NTSTATUS NTAPI NtMakeTemporaryObject(HANDLE Handle);
NT_IMPORT NTSTATUS NTAPI NtCreateDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                                                 POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtOpenDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                                               POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtQueryDirectoryObject(HANDLE DirectoryHandle, PVOID Buffer, ULONG Length,
                                                BOOLEAN ReturnSingleEntry, BOOLEAN RestartScan, PULONG Context,
                                                PULONG ReturnLength);

#endif
