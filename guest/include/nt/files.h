/* NT declarations of files and directories (the I/O manager); included by nt.h. */
#ifndef WOW64EMU_NT_FILES_H
#define WOW64EMU_NT_FILES_H

#define STATUS_NO_MORE_FILES           ((NTSTATUS)0x80000006L)
#define STATUS_NO_SUCH_FILE            ((NTSTATUS)0xC000000FL)
#define STATUS_INVALID_DEVICE_REQUEST  ((NTSTATUS)0xC0000010L)
#define STATUS_OBJECT_TYPE_MISMATCH    ((NTSTATUS)0xC0000024L)
#define STATUS_OBJECT_PATH_SYNTAX_BAD  ((NTSTATUS)0xC000003BL)
#define STATUS_SHARING_VIOLATION       ((NTSTATUS)0xC0000043L)
#define STATUS_DELETE_PENDING          ((NTSTATUS)0xC0000056L)
#define STATUS_DISK_FULL               ((NTSTATUS)0xC000007FL)
#define STATUS_FILE_IS_A_DIRECTORY     ((NTSTATUS)0xC00000BAL)
#define STATUS_NOT_SAME_DEVICE         ((NTSTATUS)0xC00000D4L)
#define STATUS_NOT_A_REPARSE_POINT     ((NTSTATUS)0xC0000275L)
#define STATUS_IO_REPARSE_TAG_INVALID  ((NTSTATUS)0xC0000276L)
#define STATUS_IO_REPARSE_TAG_MISMATCH ((NTSTATUS)0xC0000277L)
#define STATUS_IO_REPARSE_DATA_INVALID ((NTSTATUS)0xC0000278L)
#define STATUS_IO_REPARSE_TAG_NOT_HANDLED ((NTSTATUS)0xC0000279L)
#define STATUS_REPARSE_POINT_NOT_RESOLVED ((NTSTATUS)0xC0000280L)
#define STATUS_DIRECTORY_NOT_EMPTY     ((NTSTATUS)0xC0000101L)
#define STATUS_NOT_A_DIRECTORY         ((NTSTATUS)0xC0000103L)
#define STATUS_CANNOT_DELETE           ((NTSTATUS)0xC0000121L)

/* NtCreateFile options beyond nt.h's (winnt.h has them too, with the same values). */
#ifndef FILE_DELETE_ON_CLOSE
#define FILE_DELETE_ON_CLOSE          0x00001000
#define FILE_OPEN_FOR_BACKUP_INTENT   0x00004000
#endif

/* FILE_INFORMATION_CLASS: the classes of NtQueryInformationFile, NtSetInformationFile, NtQueryDirectoryFile. */
#define FileDirectoryInformation       1
#define FileFullDirectoryInformation   2
#define FileBothDirectoryInformation   3
#define FileBasicInformation           4
#define FileStandardInformation        5
#define FileInternalInformation        6
#define FileNameInformation            9
#define FileRenameInformation          10
#define FileLinkInformation            11  /* FILE_LINK_INFORMATION: FILE_RENAME_INFORMATION's layout */
#define FileNamesInformation           12
#define FileDispositionInformation     13
#define FilePositionInformation        14
#define FileAllInformation             18
#define FileEndOfFileInformation       20
#define FilePipeInformation            23  /* FILE_PIPE_INFORMATION: ReadMode, CompletionMode */
#define FileNetworkOpenInformation     34
#define FileAttributeTagInformation    35

/* FS_INFORMATION_CLASS: the classes of NtQueryVolumeInformationFile. */
#define FileFsVolumeInformation        1
#define FileFsSizeInformation          3
#define FileFsDeviceInformation        4
#define FileFsAttributeInformation     5
#define FileFsFullSizeInformation      7

/* FILE_FS_DEVICE_INFORMATION.DeviceType (winioctl.h has them too). */
#ifndef FILE_DEVICE_DISK
#define FILE_DEVICE_DISK               0x00000007
#define FILE_DEVICE_KEYBOARD           0x0000000B
#define FILE_DEVICE_MOUSE              0x0000000F
#define FILE_DEVICE_NAMED_PIPE         0x00000011
#define FILE_DEVICE_NULL               0x00000015
#define FILE_DEVICE_PARALLEL_PORT      0x00000016
#define FILE_DEVICE_PRINTER            0x00000018
#define FILE_DEVICE_SERIAL_PORT        0x0000001B
#define FILE_DEVICE_SCREEN             0x0000001C
#define FILE_DEVICE_SOUND              0x0000001D
#define FILE_DEVICE_MODEM              0x0000002B
#define FILE_DEVICE_CONSOLE            0x00000050
#endif

typedef struct _FILE_BASIC_INFORMATION {
    LARGE_INTEGER CreationTime;
    LARGE_INTEGER LastAccessTime;
    LARGE_INTEGER LastWriteTime;
    LARGE_INTEGER ChangeTime;
    ULONG FileAttributes;
} FILE_BASIC_INFORMATION, *PFILE_BASIC_INFORMATION;

typedef struct _FILE_STANDARD_INFORMATION {
    LARGE_INTEGER AllocationSize;
    LARGE_INTEGER EndOfFile;
    ULONG NumberOfLinks;
    BOOLEAN DeletePending;
    BOOLEAN Directory;
} FILE_STANDARD_INFORMATION, *PFILE_STANDARD_INFORMATION;

typedef struct _FILE_INTERNAL_INFORMATION {
    LARGE_INTEGER IndexNumber;
} FILE_INTERNAL_INFORMATION;

typedef struct _FILE_EA_INFORMATION {
    ULONG EaSize;
} FILE_EA_INFORMATION;

typedef struct _FILE_ACCESS_INFORMATION {
    ACCESS_MASK AccessFlags;
} FILE_ACCESS_INFORMATION;

typedef struct _FILE_POSITION_INFORMATION {
    LARGE_INTEGER CurrentByteOffset;
} FILE_POSITION_INFORMATION, *PFILE_POSITION_INFORMATION;

typedef struct _FILE_MODE_INFORMATION {
    ULONG Mode;
} FILE_MODE_INFORMATION;

typedef struct _FILE_ALIGNMENT_INFORMATION {
    ULONG AlignmentRequirement;
} FILE_ALIGNMENT_INFORMATION;

typedef struct _FILE_NAME_INFORMATION {
    ULONG FileNameLength;
    WCHAR FileName[1];
} FILE_NAME_INFORMATION, *PFILE_NAME_INFORMATION;

typedef struct _FILE_ALL_INFORMATION {
    FILE_BASIC_INFORMATION BasicInformation;
    FILE_STANDARD_INFORMATION StandardInformation;
    FILE_INTERNAL_INFORMATION InternalInformation;
    FILE_EA_INFORMATION EaInformation;
    FILE_ACCESS_INFORMATION AccessInformation;
    FILE_POSITION_INFORMATION PositionInformation;
    FILE_MODE_INFORMATION ModeInformation;
    FILE_ALIGNMENT_INFORMATION AlignmentInformation;
    FILE_NAME_INFORMATION NameInformation;
} FILE_ALL_INFORMATION, *PFILE_ALL_INFORMATION;

typedef struct _FILE_END_OF_FILE_INFORMATION {
    LARGE_INTEGER EndOfFile;
} FILE_END_OF_FILE_INFORMATION;

typedef struct _FILE_DISPOSITION_INFORMATION {
    BOOLEAN DeleteFile;
} FILE_DISPOSITION_INFORMATION;

/* Its HANDLE makes its layout differ between widths: wow64 converts it. */
typedef struct _FILE_RENAME_INFORMATION {
    union {
        BOOLEAN ReplaceIfExists;                /* FileRenameInformation */
        ULONG Flags;                            /* FileRenameInformationEx */
    };
    HANDLE RootDirectory;
    ULONG FileNameLength;
    WCHAR FileName[1];
} FILE_RENAME_INFORMATION, *PFILE_RENAME_INFORMATION;

typedef struct _FILE_NETWORK_OPEN_INFORMATION {
    LARGE_INTEGER CreationTime;
    LARGE_INTEGER LastAccessTime;
    LARGE_INTEGER LastWriteTime;
    LARGE_INTEGER ChangeTime;
    LARGE_INTEGER AllocationSize;
    LARGE_INTEGER EndOfFile;
    ULONG FileAttributes;
} FILE_NETWORK_OPEN_INFORMATION, *PFILE_NETWORK_OPEN_INFORMATION;

/* Directory entries: each starts 8-aligned; NextEntryOffset is 0 on the last. */
typedef struct _FILE_DIRECTORY_INFORMATION {
    ULONG NextEntryOffset;
    ULONG FileIndex;
    LARGE_INTEGER CreationTime;
    LARGE_INTEGER LastAccessTime;
    LARGE_INTEGER LastWriteTime;
    LARGE_INTEGER ChangeTime;
    LARGE_INTEGER EndOfFile;
    LARGE_INTEGER AllocationSize;
    ULONG FileAttributes;
    ULONG FileNameLength;
    WCHAR FileName[1];
} FILE_DIRECTORY_INFORMATION, *PFILE_DIRECTORY_INFORMATION;

typedef struct _FILE_FULL_DIR_INFORMATION {
    ULONG NextEntryOffset;
    ULONG FileIndex;
    LARGE_INTEGER CreationTime;
    LARGE_INTEGER LastAccessTime;
    LARGE_INTEGER LastWriteTime;
    LARGE_INTEGER ChangeTime;
    LARGE_INTEGER EndOfFile;
    LARGE_INTEGER AllocationSize;
    ULONG FileAttributes;
    ULONG FileNameLength;
    ULONG EaSize;
    WCHAR FileName[1];
} FILE_FULL_DIR_INFORMATION, *PFILE_FULL_DIR_INFORMATION;

typedef struct _FILE_BOTH_DIR_INFORMATION {
    ULONG NextEntryOffset;
    ULONG FileIndex;
    LARGE_INTEGER CreationTime;
    LARGE_INTEGER LastAccessTime;
    LARGE_INTEGER LastWriteTime;
    LARGE_INTEGER ChangeTime;
    LARGE_INTEGER EndOfFile;
    LARGE_INTEGER AllocationSize;
    ULONG FileAttributes;
    ULONG FileNameLength;
    ULONG EaSize;
    CCHAR ShortNameLength;
    WCHAR ShortName[12];
    WCHAR FileName[1];
} FILE_BOTH_DIR_INFORMATION, *PFILE_BOTH_DIR_INFORMATION;

typedef struct _FILE_NAMES_INFORMATION {
    ULONG NextEntryOffset;
    ULONG FileIndex;
    ULONG FileNameLength;
    WCHAR FileName[1];
} FILE_NAMES_INFORMATION, *PFILE_NAMES_INFORMATION;

typedef struct _FILE_FS_VOLUME_INFORMATION {
    LARGE_INTEGER VolumeCreationTime;
    ULONG VolumeSerialNumber;
    ULONG VolumeLabelLength;
    BOOLEAN SupportsObjects;
    WCHAR VolumeLabel[1];
} FILE_FS_VOLUME_INFORMATION, *PFILE_FS_VOLUME_INFORMATION;

typedef struct _FILE_FS_SIZE_INFORMATION {
    LARGE_INTEGER TotalAllocationUnits;
    LARGE_INTEGER AvailableAllocationUnits;
    ULONG SectorsPerAllocationUnit;
    ULONG BytesPerSector;
} FILE_FS_SIZE_INFORMATION, *PFILE_FS_SIZE_INFORMATION;

typedef struct _FILE_FS_DEVICE_INFORMATION {
    ULONG DeviceType;
    ULONG Characteristics;
} FILE_FS_DEVICE_INFORMATION, *PFILE_FS_DEVICE_INFORMATION;

typedef struct _FILE_FS_ATTRIBUTE_INFORMATION {
    ULONG FileSystemAttributes;
    LONG MaximumComponentNameLength;
    ULONG FileSystemNameLength;
    WCHAR FileSystemName[1];
} FILE_FS_ATTRIBUTE_INFORMATION, *PFILE_FS_ATTRIBUTE_INFORMATION;

typedef struct _FILE_FS_FULL_SIZE_INFORMATION {
    LARGE_INTEGER TotalAllocationUnits;
    LARGE_INTEGER CallerAvailableAllocationUnits;
    LARGE_INTEGER ActualAvailableAllocationUnits;
    ULONG SectorsPerAllocationUnit;
    ULONG BytesPerSector;
} FILE_FS_FULL_SIZE_INFORMATION, *PFILE_FS_FULL_SIZE_INFORMATION;

_Static_assert(sizeof(FILE_BASIC_INFORMATION) == 40, "FILE_BASIC_INFORMATION size");
_Static_assert(sizeof(FILE_STANDARD_INFORMATION) == 24, "FILE_STANDARD_INFORMATION size");
_Static_assert(sizeof(FILE_NETWORK_OPEN_INFORMATION) == 56, "FILE_NETWORK_OPEN_INFORMATION size");
_Static_assert(sizeof(FILE_ALL_INFORMATION) == 0x68, "FILE_ALL_INFORMATION size");
NT_CHECK_OFFSET(FILE_ALL_INFORMATION, NameInformation, 0x60, 0x60);
_Static_assert(sizeof(FILE_RENAME_INFORMATION) == NT_OFFSETS(16, 24), "FILE_RENAME_INFORMATION size");
NT_CHECK_OFFSET(FILE_RENAME_INFORMATION, RootDirectory, 4, 8);
NT_CHECK_OFFSET(FILE_RENAME_INFORMATION, FileNameLength, 8, 16);
NT_CHECK_OFFSET(FILE_RENAME_INFORMATION, FileName, 12, 20);
NT_CHECK_OFFSET(FILE_DIRECTORY_INFORMATION, FileName, 64, 64);
NT_CHECK_OFFSET(FILE_FULL_DIR_INFORMATION, FileName, 68, 68);
NT_CHECK_OFFSET(FILE_BOTH_DIR_INFORMATION, ShortName, 70, 70);
NT_CHECK_OFFSET(FILE_BOTH_DIR_INFORMATION, FileName, 94, 94);
NT_CHECK_OFFSET(FILE_NAMES_INFORMATION, FileName, 12, 12);
NT_CHECK_OFFSET(FILE_FS_VOLUME_INFORMATION, VolumeLabel, 18, 18);
_Static_assert(sizeof(FILE_FS_ATTRIBUTE_INFORMATION) == 16, "FILE_FS_ATTRIBUTE_INFORMATION size");
_Static_assert(sizeof(FILE_FS_FULL_SIZE_INFORMATION) == 32, "FILE_FS_FULL_SIZE_INFORMATION size");

NT_IMPORT NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                              PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                                              PVOID FileInformation, ULONG Length, ULONG FileInformationClass,
                                              BOOLEAN ReturnSingleEntry, PUNICODE_STRING FileName,
                                              BOOLEAN RestartScan);
NT_IMPORT NTSTATUS NTAPI NtSetInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock,
                                              PVOID FileInformation, ULONG Length, ULONG FileInformationClass);
NT_IMPORT NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtQueryAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes,
                                               PFILE_BASIC_INFORMATION FileInformation);
NT_IMPORT NTSTATUS NTAPI NtQueryFullAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes,
                                                   PFILE_NETWORK_OPEN_INFORMATION FileInformation);
NT_IMPORT NTSTATUS NTAPI NtQueryVolumeInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock,
                                                      PVOID FsInformation, ULONG Length,
                                                      ULONG FsInformationClass);
NT_IMPORT NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock);
NT_IMPORT NTSTATUS NTAPI NtFsControlFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                         PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG FsControlCode,
                                         PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,
                                         ULONG OutputBufferLength);
NT_IMPORT NTSTATUS NTAPI NtDeviceIoControlFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                               PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                                               ULONG IoControlCode, PVOID InputBuffer, ULONG InputBufferLength,
                                               PVOID OutputBuffer, ULONG OutputBufferLength);

/* The reparse point of a junction (IO_REPARSE_TAG_MOUNT_POINT) or a symbolic link (IO_REPARSE_TAG_SYMLINK), as
 * FSCTL_SET_REPARSE_POINT takes it and FSCTL_GET_REPARSE_POINT gives it (ntifs.h's layout): the same bytes in both
 * widths. The names are in PathBuffer, at their offsets from its start. */
typedef struct _REPARSE_DATA_BUFFER {
    ULONG ReparseTag;
    USHORT ReparseDataLength;
    USHORT Reserved;
    union {
        struct {
            USHORT SubstituteNameOffset;
            USHORT SubstituteNameLength;
            USHORT PrintNameOffset;
            USHORT PrintNameLength;
            ULONG Flags;                                            /* SYMLINK_FLAG_RELATIVE */
            WCHAR PathBuffer[1];
        } SymbolicLinkReparseBuffer;
        struct {
            USHORT SubstituteNameOffset;
            USHORT SubstituteNameLength;
            USHORT PrintNameOffset;
            USHORT PrintNameLength;
            WCHAR PathBuffer[1];
        } MountPointReparseBuffer;
    };
} REPARSE_DATA_BUFFER;

#define REPARSE_DATA_BUFFER_HEADER_SIZE 8

#endif
