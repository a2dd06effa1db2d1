"""QR scanning of CCCD and BHYT cards: photo -> decoded fields for the registration form.

Public interface: scan_image, parse_payload_of_kind, ScanResult, ScanError, parse_cccd,
parse_bhyt, decode_qr.
"""
from .decoders import decode_qr
from .parsers import ScanError, parse_bhyt, parse_cccd
from .service import ScanResult, parse_payload_of_kind, scan_image

__all__ = [
    "ScanError", "ScanResult", "decode_qr", "parse_bhyt", "parse_cccd", "parse_payload_of_kind",
    "scan_image",
]
