"""The stdlib XLSX writer: a well-formed workbook, numbers as numbers, text escaped."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pytest

from services.web.figures_xlsx import column_name, workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (7, "H"), (25, "Z"), (26, "AA"),
                                                (51, "AZ"), (52, "BA"), (701, "ZZ"),
                                                (702, "AAA")])
def test_columns_are_named_as_spreadsheets_name_them(index, letters):
    assert column_name(index) == letters


def test_a_workbook_holds_every_part_well_formed_with_its_cells():
    data = workbook([("indicator", "value"), ("families_referred", 8), ("hours", 12.5),
                     ("cell", "<5 & x")], sheet_name="mechelen")

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert set(archive.namelist()) == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                       "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"}
    for name in archive.namelist():
        ElementTree.fromstring(archive.read(name))  # each part parses
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    cells = {c.get("r"): c for c in sheet.iter(f"{MAIN}c")}
    assert cells["B2"].find(f"{MAIN}v").text == "8" and cells["B2"].get("t") is None
    assert cells["B3"].find(f"{MAIN}v").text == "12.5"
    assert cells["B4"].get("t") == "inlineStr"
    assert cells["B4"].find(f"{MAIN}is/{MAIN}t").text == "<5 & x"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    assert book.find(f"{MAIN}sheets/{MAIN}sheet").get("name") == "mechelen"
