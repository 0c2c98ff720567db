/*
 * kernel32: the system's message table, the English (United States) text Windows 10 22H2 shows for each Win32
 * error FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM) is asked for: every error this kernel32 sets, and the usual
 * others. Each text ends with "\r\n", as the system's do. Sorted by number.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32messages.h"

static const struct {
    DWORD id;
    const char *text;
} messages[] = {
    { 0, "The operation completed successfully.\r\n" },
    { 1, "Incorrect function.\r\n" },
    { 2, "The system cannot find the file specified.\r\n" },
    { 3, "The system cannot find the path specified.\r\n" },
    { 4, "The system cannot open the file.\r\n" },
    { 5, "Access is denied.\r\n" },
    { 6, "The handle is invalid.\r\n" },
    { 8, "Not enough memory resources are available to process this command.\r\n" },
    { 11, "An attempt was made to load a program with an incorrect format.\r\n" },
    { 12, "The access code is invalid.\r\n" },
    { 13, "The data is invalid.\r\n" },
    { 14, "Not enough memory resources are available to complete this operation.\r\n" },
    { 15, "The system cannot find the drive specified.\r\n" },
    { 17, "The system cannot move the file to a different disk drive.\r\n" },
    { 18, "There are no more files.\r\n" },
    { 19, "The media is write protected.\r\n" },
    { 21, "The device is not ready.\r\n" },
    { 24, "The program issued a command but the command length is incorrect.\r\n" },
    { 32, "The process cannot access the file because it is being used by another process.\r\n" },
    { 33, "The process cannot access the file because another process has locked a portion of the file.\r\n" },
    { 38, "Reached the end of the file.\r\n" },
    { 50, "The request is not supported.\r\n" },
    { 53, "The network path was not found.\r\n" },
    { 80, "The file exists.\r\n" },
    { 87, "The parameter is incorrect.\r\n" },
    { 109, "The pipe has been ended.\r\n" },
    { 111, "The file name is too long.\r\n" },
    { 112, "There is not enough space on the disk.\r\n" },
    { 120, "This function is not supported on this system.\r\n" },
    { 121, "The semaphore timeout period has expired.\r\n" },
    { 122, "The data area passed to a system call is too small.\r\n" },
    { 123, "The filename, directory name, or volume label syntax is incorrect.\r\n" },
    { 126, "The specified module could not be found.\r\n" },
    { 127, "The specified procedure could not be found.\r\n" },
    { 131, "An attempt was made to move the file pointer before the beginning of the file.\r\n" },
    { 145, "The directory is not empty.\r\n" },
    { 161, "The specified path is invalid.\r\n" },
    { 182, "The operating system cannot run %1.\r\n" },
    { 183, "Cannot create a file when that file already exists.\r\n" },
    { 193, "%1 is not a valid Win32 application.\r\n" },
    { 203, "The system could not find the environment option that was entered.\r\n" },
    { 206, "The filename or extension is too long.\r\n" },
    { 231, "All pipe instances are busy.\r\n" },
    { 232, "The pipe is being closed.\r\n" },
    { 233, "No process is on the other end of the pipe.\r\n" },
    { 234, "More data is available.\r\n" },
    { 258, "The wait operation timed out.\r\n" },
    { 259, "No more data is available.\r\n" },
    { 267, "The directory name is invalid.\r\n" },
    { 288, "Attempt to release mutex not owned by caller.\r\n" },
    { 298, "Too many posts were made to a semaphore.\r\n" },
    { 299, "Only part of a ReadProcessMemory or WriteProcessMemory request was completed.\r\n" },
    { 317, "The system cannot find message text for message number 0x%1 in the message file for %2.\r\n" },
    { 487, "Attempt to access invalid address.\r\n" },
    { 534, "Arithmetic result exceeded 32 bits.\r\n" },
    { 740, "The requested operation requires elevation.\r\n" },
    { 997, "Overlapped I/O operation is in progress.\r\n" },
    { 998, "Invalid access to memory location.\r\n" },
    { 1004, "Invalid flags.\r\n" },
    { 1006, "The volume for a file has been externally altered so that the opened file is no longer valid.\r\n" },
    { 1008, "An attempt was made to reference a token that does not exist.\r\n" },
    { 1113, "No mapping for the Unicode character exists in the target multi-byte code page.\r\n" },
    { 1114, "A dynamic link library (DLL) initialization routine failed.\r\n" },
    { 1132, "The base address or the file offset specified does not have the proper alignment.\r\n" },
    { 1150, "The specified program requires a newer version of Windows.\r\n" },
    { 1157, "One of the library files needed to run this application cannot be found.\r\n" },
    { 1223, "The operation was canceled by the user.\r\n" },
    { 1314, "A required privilege is not held by the client.\r\n" },
    { 1400, "Invalid window handle.\r\n" },
    { 1450, "Insufficient system resources exist to complete the requested service.\r\n" },
    { 1455, "The paging file is too small for this operation to complete.\r\n" },
    { 1460, "This operation returned because the timeout period expired.\r\n" },
    { 1813, "The specified resource type cannot be found in the image file.\r\n" },
    { 1815, "The specified resource language ID cannot be found in the image file.\r\n" },
};

const char *system_message(DWORD id)
{
    unsigned low = 0, high = sizeof messages / sizeof messages[0];

    while (low < high) {
        unsigned mid = (low + high) / 2;
        if (messages[mid].id == id)
            return messages[mid].text;
        if (messages[mid].id < id)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}
