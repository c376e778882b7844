/* Why scripts/check-windows cannot click the notification-area icon: the
 * tray-icon crate asks Shell_NotifyIconGetRect where its icon is before it
 * turns a click into a menu, and drops the click when that call fails.
 * Windows has implemented it since Windows 7; Wine 8 has only a stub.
 * This probe adds an icon and prints what the call returns
 * (0x00000000 = S_OK on Windows; 0x80004001 = E_NOTIMPL is Wine's stub). */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
int main(void) {
    HWND hwnd = CreateWindowExW(0, L"STATIC", L"probe", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    NOTIFYICONDATAW nid = {0};
    nid.cbSize = sizeof nid;
    nid.hWnd = hwnd;
    nid.uID = 1;
    nid.uFlags = NIF_ICON | NIF_TIP;
    nid.hIcon = LoadIcon(NULL, IDI_APPLICATION);
    wcscpy(nid.szTip, L"probe");
    BOOL added = Shell_NotifyIconW(NIM_ADD, &nid);
    NOTIFYICONIDENTIFIER id = {0};
    id.cbSize = sizeof id;
    id.hWnd = hwnd;
    id.uID = 1;
    RECT rect;
    HRESULT hr = Shell_NotifyIconGetRect(&id, &rect);
    printf("icon added: %s; Shell_NotifyIconGetRect: 0x%08lx\n", added ? "yes" : "no", (unsigned long)hr);
    Shell_NotifyIconW(NIM_DELETE, &nid);
    return 0;
}
