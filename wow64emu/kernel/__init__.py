"""The mock NT kernel: serves 64-bit system calls by their Windows 10 22H2 x64 numbers.

One System (system.py) holds what Windows keeps globally: the object namespace, the C: volume, KUSER_SHARED_DATA,
the id allocator, the processes. Service areas mirror the kernel's own, each a class whose methods serve calls and
whose module lists them (services.py builds the table): files (files.py with fileobject, paths, console, directory,
fileinfo, fsinfo, volume), memory and sections (memory.py, section.py, imagesection.py), objects and the namespace
(objects.py, namespace.py, handles.py), synchronisation and time (sync.py, time.py), processes and threads
(process.py, thread.py with threadobject.py), security (security.py, token.py) and system information
(sysinfo.py). A service receives the calling thread, and through it its process and the System; nothing reaches
"the" process through a global. The kernel never learns whether a WoW64 thunk or native code made the call.
"""
