/* NT declarations of job objects; included by nt.h. The structures and information classes are winnt.h's. */
#ifndef WOW64EMU_NT_JOBS_H
#define WOW64EMU_NT_JOBS_H

#ifndef STATUS_PROCESS_NOT_IN_JOB
#define STATUS_PROCESS_NOT_IN_JOB      ((NTSTATUS)0x00000123L)
#endif
#ifndef STATUS_PROCESS_IN_JOB
#define STATUS_PROCESS_IN_JOB          ((NTSTATUS)0x00000124L)
#endif
#ifndef STATUS_QUOTA_EXCEEDED
#define STATUS_QUOTA_EXCEEDED          ((NTSTATUS)0xC0000044L)
#endif

NT_IMPORT NTSTATUS NTAPI NtCreateJobObject(PHANDLE JobHandle, ACCESS_MASK DesiredAccess,
                                           POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtOpenJobObject(PHANDLE JobHandle, ACCESS_MASK DesiredAccess,
                                         POBJECT_ATTRIBUTES ObjectAttributes);
NT_IMPORT NTSTATUS NTAPI NtAssignProcessToJobObject(HANDLE JobHandle, HANDLE ProcessHandle);
NT_IMPORT NTSTATUS NTAPI NtIsProcessInJob(HANDLE ProcessHandle, HANDLE JobHandle);
NT_IMPORT NTSTATUS NTAPI NtTerminateJobObject(HANDLE JobHandle, NTSTATUS ExitStatus);
NT_IMPORT NTSTATUS NTAPI NtQueryInformationJobObject(HANDLE JobHandle, JOBOBJECTINFOCLASS JobObjectInformationClass,
                                                     PVOID JobObjectInformation, ULONG JobObjectInformationLength,
                                                     PULONG ReturnLength);
NT_IMPORT NTSTATUS NTAPI NtSetInformationJobObject(HANDLE JobHandle, JOBOBJECTINFOCLASS JobObjectInformationClass,
                                                   PVOID JobObjectInformation, ULONG JobObjectInformationLength);

#endif
