/* Test-only shim for Wine 8 (Debian 12): Rust's standard library (1.78+)
 * takes random numbers from ProcessPrng in bcryptprimitives.dll, which
 * Wine adds only in 9.0. scripts/check-windows puts this DLL next to the
 * executables it runs under Wine; it is never shipped. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
