"""Reading back the PDFs the site renders (receipts, credit reports, inspection notices) with
pypdf: their text, and which fonts they embed."""

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts whose program is embedded in the PDF (dashes removed: WeasyPrint
    writes "Noto-Sans-CJK-SC")."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for candidate in [
                font,
                *(item.get_object() for item in font.get("/DescendantFonts", [])),
            ]:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(candidate["/BaseFont"]).replace("-", ""))
    return names


def squeeze(text: str) -> str:
    """Text without whitespace: line breaks in the PDF may split a long Chinese name."""
    return "".join(text.split())
