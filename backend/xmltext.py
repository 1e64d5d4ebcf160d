"""Text that XML 1.0 can hold. The SVG documents (maps, report charts) are built with
ElementTree, which escapes ``< & "`` but writes a control character as it is: one ``\\x01``
in a label or a name made the whole document unreadable for every viewer."""

import re
import xml.etree.ElementTree as ET

# What XML 1.0 cannot carry even escaped: C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# A one-line name shown in documents and lists (a display name): no control character at
# all, tab and newline included, nor what XML cannot hold. A pydantic ``pattern``.
ONE_LINE = "^[^\x00-\x1f\x7f\ufffe\uffff]*$"


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def tostring(root: ET.Element) -> bytes:
    """The document as UTF-8 with a declaration, every text and attribute made XML-safe
    (stored data predating the input checks, or a field that allows any text)."""
    for el in root.iter():
        if el.text:
            el.text = clean(el.text)
        if el.tail:
            el.tail = clean(el.tail)
        for key, value in el.attrib.items():
            el.attrib[key] = clean(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
