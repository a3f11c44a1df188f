"""A DOCX as PDF, through LibreOffice headless (Writer: Debian's ``libreoffice-writer-nogui``).

Each conversion runs in a temporary directory with its own LibreOffice profile
(``-env:UserInstallation``), so conversions running at the same time never share or lock a
profile; the process group is killed when it overruns ``timeout``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path


class PdfConversionError(RuntimeError):
    """LibreOffice is missing or could not convert the document (``code`` is stable:
    no_soffice, timeout, failed)."""

    def __init__(self, message: str, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code


def soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: float = 60) -> bytes:
    """The PDF of a DOCX file, as LibreOffice Writer lays it out."""
    program = soffice()
    if program is None:
        raise PdfConversionError(
            "LibreOffice (soffice) is not installed: install libreoffice-writer-nogui",
            code="no_soffice",
        )
    with tempfile.TemporaryDirectory(prefix="gbvms-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        env = {
            "HOME": str(work),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
        }
        process = subprocess.Popen(  # noqa: S603 - fixed program and arguments, no shell
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionError(
                f"LibreOffice did not convert the document within {timeout} s", code="timeout"
            ) from None
        pdf = work / "out" / "document.pdf"
        if process.returncode != 0 or not pdf.exists():
            detail = (err or out).decode("utf-8", "replace").strip()[-500:]
            hint = " (is LibreOffice Writer installed? libreoffice-writer-nogui)"
            raise PdfConversionError(f"LibreOffice could not convert the document: {detail}{hint}")
        return pdf.read_bytes()
