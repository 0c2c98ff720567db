"""The registry redirector's rules (Microsoft's "Registry Keys Affected by WOW64"), as pure functions."""

import pytest

from wow64emu.kernel.regredirect import (
    KEY_WOW64_32KEY,
    KEY_WOW64_64KEY,
    RULES_VISTA,
    VIEW_32,
    VIEW_64,
    logical_name,
    opened_name,
    stored_name,
    view_of,
    why,
)

SW = "\\REGISTRY\\MACHINE\\SOFTWARE"
USER = "\\REGISTRY\\USER\\S-1-5-21-1-2-3-1001"


@pytest.mark.parametrize(("name", "stored"), [
    (SW, SW + "\\Wow6432Node"),
    (SW + "\\Vendor\\App", SW + "\\Wow6432Node\\Vendor\\App"),
    ("\\Registry\\Machine\\Software\\vendor", "\\Registry\\Machine\\Software\\Wow6432Node\\vendor"),  # any case
    (SW + "\\Microsoft\\Windows\\CurrentVersion", SW + "\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion"),
    # shared keys and their subkeys
    (SW + "\\Classes", SW + "\\Classes"),
    (SW + "\\Classes\\.txt", SW + "\\Classes\\.txt"),
    (SW + "\\Classes\\AppID\\{x}", SW + "\\Classes\\AppID\\{x}"),
    (SW + "\\Policies\\Vendor", SW + "\\Policies\\Vendor"),
    (SW + "\\Clients", SW + "\\Clients"),
    (SW + "\\RegisteredApplications", SW + "\\RegisteredApplications"),
    (SW + "\\Microsoft\\Windows NT\\CurrentVersion\\Time Zones\\UTC",
     SW + "\\Microsoft\\Windows NT\\CurrentVersion\\Time Zones\\UTC"),
    (SW + "\\Microsoft\\Windows\\CurrentVersion\\App Paths\\x.exe",
     SW + "\\Microsoft\\Windows\\CurrentVersion\\App Paths\\x.exe"),
    (SW + "\\Microsoft\\OLE", SW + "\\Microsoft\\OLE"),
    # the parent of a shared key is still redirected
    (SW + "\\Microsoft\\Windows NT\\CurrentVersion", SW + "\\Wow6432Node\\Microsoft\\Windows NT\\CurrentVersion"),
    # the redirected class keys, under Classes\Wow6432Node
    (SW + "\\Classes\\CLSID\\{1}", SW + "\\Classes\\Wow6432Node\\CLSID\\{1}"),
    (SW + "\\Classes\\Interface", SW + "\\Classes\\Wow6432Node\\Interface"),
    (SW + "\\Classes\\DirectShow", SW + "\\Classes\\Wow6432Node\\DirectShow"),
    (SW + "\\Classes\\Media Type\\x", SW + "\\Classes\\Wow6432Node\\Media Type\\x"),
    (SW + "\\Classes\\MediaFoundation", SW + "\\Classes\\Wow6432Node\\MediaFoundation"),
    (SW + "\\Classes\\CLSIDX", SW + "\\Classes\\CLSIDX"),  # a component, not a prefix of letters
    # HKCU: Software shared, its Classes' class keys redirected (both names of the user's classes)
    (USER + "\\Software\\Vendor", USER + "\\Software\\Vendor"),
    (USER + "\\Software\\Classes\\CLSID\\{2}", USER + "\\Software\\Classes\\Wow6432Node\\CLSID\\{2}"),
    (USER + "_Classes\\CLSID", USER + "_Classes\\Wow6432Node\\CLSID"),
    (USER + "_Classes\\.txt", USER + "_Classes\\.txt"),
    # outside SOFTWARE: shared
    ("\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet", "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet"),
    ("\\REGISTRY\\MACHINE", "\\REGISTRY\\MACHINE"),
    # a name that already says Wow6432Node is the 32-bit copy itself: never doubled
    (SW + "\\Wow6432Node", SW + "\\Wow6432Node"),
    (SW + "\\WOW6432NODE\\Vendor", SW + "\\WOW6432NODE\\Vendor"),
    (SW + "\\Classes\\Wow6432Node\\CLSID", SW + "\\Classes\\Wow6432Node\\CLSID"),
])
def test_the_32_bit_view(name: str, stored: str) -> None:
    assert stored_name(name, VIEW_32) == stored
    assert stored_name(name, VIEW_64) == name  # the 64-bit view is never rewritten


def test_the_view_flags() -> None:
    assert view_of(0x20019, VIEW_32) == VIEW_32 and view_of(0x20019, VIEW_64) == VIEW_64
    assert view_of(0x20019 | KEY_WOW64_64KEY, VIEW_32) == VIEW_64
    assert view_of(0x20019 | KEY_WOW64_32KEY, VIEW_64) == VIEW_32


@pytest.mark.parametrize(("stored", "logical"), [
    (SW + "\\Wow6432Node", SW),
    (SW + "\\Wow6432Node\\Vendor", SW + "\\Vendor"),
    (SW + "\\Classes\\Wow6432Node\\CLSID\\{1}", SW + "\\Classes\\CLSID\\{1}"),
    (SW + "\\Classes\\Wow6432Node", SW + "\\Classes\\Wow6432Node"),  # not a place the redirector makes
    (SW + "\\Policies", SW + "\\Policies"),
    (SW + "\\Wow6432Node\\Policies", SW + "\\Wow6432Node\\Policies"),  # Policies is shared: not its 32-bit view
])
def test_the_name_a_32_bit_handle_starts_from(stored: str, logical: str) -> None:
    assert logical_name(stored) == logical


def test_why() -> None:
    assert why(SW + "\\Vendor\\App") == "redirected key \\REGISTRY\\MACHINE\\SOFTWARE"
    assert why(SW + "\\Classes\\CLSID\\{1}") == "redirected key \\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\CLSID"
    assert why(SW + "\\Policies\\x") == "shared key \\REGISTRY\\MACHINE\\SOFTWARE\\Policies"
    assert why("\\REGISTRY\\MACHINE\\SYSTEM") == "not under a redirected key"


def test_where_an_open_goes() -> None:
    # absolute names: the access's view, else the caller's
    assert opened_name(None, SW + "\\A", 0, VIEW_32) == (SW + "\\A", SW + "\\Wow6432Node\\A", VIEW_32)
    assert opened_name(None, SW + "\\A", KEY_WOW64_32KEY, VIEW_64) == (SW + "\\A", SW + "\\Wow6432Node\\A", VIEW_32)
    assert opened_name(None, SW + "\\A", 0, VIEW_64) == (SW + "\\A", SW + "\\A", VIEW_64)
    # relative names start from the handle's name in its view
    node = SW + "\\Wow6432Node"
    assert opened_name((node, KEY_WOW64_32KEY), "A", 0, VIEW_32) == (node + "\\A", node + "\\A", VIEW_32)
    assert opened_name((node, KEY_WOW64_32KEY), "Policies", 0, VIEW_32) == (node + "\\Policies", SW + "\\Policies",
                                                                           VIEW_32)
    assert opened_name((node, KEY_WOW64_32KEY), "A", KEY_WOW64_64KEY, VIEW_32) == (node + "\\A", SW + "\\A", VIEW_64)
    assert opened_name((SW, KEY_WOW64_64KEY), "A", 0, VIEW_32) == (SW + "\\A", SW + "\\A", VIEW_64)
    assert opened_name((SW, 0), "", 0, VIEW_64) == (SW, SW, VIEW_64)
    # a handle a 64-bit program opened on WOW6432Node itself is taken literally in its (64-bit) view
    assert opened_name((node, 0), "A", 0, VIEW_64) == (node + "\\A", node + "\\A", VIEW_64)


def test_vista_redirected_classes_and_the_reflected_keys() -> None:
    assert stored_name(SW + "\\Classes\\.txt", VIEW_32, RULES_VISTA) == SW + "\\Wow6432Node\\Classes\\.txt"
    assert stored_name(SW + "\\Classes\\CLSID\\{1}", VIEW_32, RULES_VISTA) == SW + "\\Wow6432Node\\Classes\\CLSID\\{1}"
    assert stored_name(SW + "\\Microsoft\\OLE", VIEW_32, RULES_VISTA) == SW + "\\Wow6432Node\\Microsoft\\OLE"
    assert stored_name(SW + "\\Classes\\HCP", VIEW_32, RULES_VISTA) == SW + "\\Classes\\HCP"
    assert stored_name(SW + "\\Policies", VIEW_32, RULES_VISTA) == SW + "\\Policies"
    assert stored_name(USER + "\\Software\\Classes\\.txt", VIEW_32, RULES_VISTA) == \
        USER + "\\Software\\Classes\\Wow6432Node\\.txt"
