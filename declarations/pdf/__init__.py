"""Declaration PDFs (form 01/ĐK-GD): render_declaration_pdf(declaration) -> bytes."""
from declarations.pdf.assets import PDFAssetError
from declarations.pdf.render import render_declaration_pdf, render_rejection_notice_pdf

__all__ = ["PDFAssetError", "render_declaration_pdf", "render_rejection_notice_pdf"]
