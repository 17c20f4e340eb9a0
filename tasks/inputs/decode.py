"""Bytes to text, bounded: gzip and deflate inflated within a limit, charsets detected.

Every input comes through here, whichever way it arrived: a file (`.gz` or not), a feed or
sitemap (gzipped or not), an HTTP body (content-encoded, streamed). Inflating never
produces more than its limit (a gzip bomb costs at most the limit in memory), and text is
never refused for its charset where a page is concerned:

    Inflater       one gzip or deflate stream, fed in chunks, TooLarge past the limit
    inflate_head   the first bytes a gzip head inflates to (to see what it holds)
    gunzip         whole bytes: every gzip member inflated, InputError when corrupt or too large
    detect_charset the codec of a web body: BOM, valid UTF-8, the declared charsets, detection
    decode_body    a web body as text, undecodable bytes as U+FFFD (robots.txt)
    decode_text    a file as text: InputError for binary or undecodable data (files, records)
    wide_text      text opening with a UTF-16 or UTF-32 byte order mark
"""

from __future__ import annotations

import codecs
import re
import zlib

from pressdiff.errors import InputError

try:  # optional: comes with trafilatura; without it undeclared charsets fall back to UTF-8
    import charset_normalizer
except ImportError:  # pragma: no cover
    charset_normalizer = None

GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # sitemaps may hold 50 MB; anything far larger is a bomb
DETECT_SAMPLE_BYTES = 200_000  # what charset detection looks at


# --- Inflating ------------------------------------------------------------------------------


class TooLarge(Exception):
    """The inflated bytes passed the limit."""


class Inflater:
    """Inflates one gzip or deflate stream fed in chunks, never producing more than `limit`
    bytes in all; `encoding` '' passes bytes through, counted.

    zlib's `max_length` caps every step, so a bomb costs at most `limit` bytes of memory.
    A 'deflate' stream that is not zlib-wrapped is read as raw deflate, as some servers send.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.overflow = b""  # what of the last `feed` still fitted, once TooLarge
        self._encoding = encoding
        self._first = True
        self._z = None
        if encoding:
            self._z = zlib.decompressobj(zlib.MAX_WBITS | (16 if encoding == "gzip" else 0))

    @property
    def done(self) -> bool:
        """Whether the stream has ended (always False for pass-through)."""
        return self._z is not None and self._z.eof

    @property
    def rest(self) -> bytes:
        """Bytes fed after the end of the stream (a next gzip member, or padding)."""
        return self._z.unused_data if self._z is not None else b""

    def feed(self, data: bytes) -> bytes:
        """The inflated bytes of `data`; TooLarge once past the limit, zlib.error if corrupt."""
        if self._z is None:
            return self._count(data)
        out: list[bytes] = []
        try:
            while data and not self._z.eof:
                out.append(self._count(self._inflate(data)))
                data = self._z.unconsumed_tail
        except TooLarge:
            self.overflow = b"".join(out) + self.overflow
            raise
        return b"".join(out)

    def _inflate(self, data: bytes) -> bytes:
        assert self._z is not None
        try:
            return self._z.decompress(data, self.limit - self.size + 1)
        except zlib.error:
            if not (self._first and self._encoding == "deflate"):
                raise
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate
            return self._z.decompress(data, self.limit - self.size + 1)
        finally:
            self._first = False

    def flush(self) -> bytes:
        """What the inflater still holds at the end of the stream."""
        return self._count(self._z.flush()) if self._z is not None else b""

    def _count(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            self.overflow = chunk[: len(chunk) - (self.size - self.limit)]
            raise TooLarge(f"too large: over {self.limit} bytes")
        return chunk


def inflate_head(data: bytes, limit: int) -> bytes:
    """The first `limit` bytes gzip `data` inflates to (the data may be cut short, as a
    file's head is); zlib.error when it is not gzip."""
    inflater = Inflater("gzip", limit)
    try:
        return inflater.feed(data)
    except TooLarge:
        return inflater.overflow


def gunzip(data: bytes, max_bytes: int = MAX_INFLATED_BYTES) -> bytes:
    """`data` inflated when it is gzip data (all members), else `data` itself.

    Raises InputError when the data is corrupt or inflates beyond `max_bytes` (a bomb).
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    out: list[bytes] = []
    size = 0
    try:
        while data.startswith(GZIP_MAGIC):
            member = Inflater("gzip", max_bytes - size)
            out.append(member.feed(data))
            if not member.done:
                ended = "Compressed file ended before the end-of-stream marker was reached"
                raise InputError("corrupt gzip", ended)
            size += member.size
            data = member.rest
    except TooLarge:
        raise InputError("too large", f"decompresses to over {max_bytes:,} bytes") from None
    except zlib.error as exc:
        raise InputError("corrupt gzip", str(exc)) from exc
    return b"".join(out)


# --- Charsets -------------------------------------------------------------------------------

# Byte order marks, longest first (UTF-32 LE's starts with UTF-16 LE's).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE_BOMS = _BOMS[1:]  # the encodings whose text holds NUL bytes
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}  # what browsers do
_WIDE_CODECS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]


def wide_text(data: bytes) -> str | None:
    """`data` decoded when it opens with a UTF-16 or UTF-32 byte order mark, else None."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    return None


def _codec(label: str | None) -> str | None:
    """Python's name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, name)


def _header_charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return _codec(value)
    return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return _codec(match.group(1).decode("ascii")) if match else None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """The codec to read a web `body` with: a BOM, then valid UTF-8, then the declared
    charsets (header, then <meta>) that decode cleanly, then detection, then UTF-8.

    Valid non-ASCII UTF-8 wins over a declaration because the usual wrong declaration is a
    Latin-1 label on a UTF-8 page, and legacy text is almost never valid UTF-8 by chance.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    if not body.isascii() and _decodes(body, "utf-8"):
        return "utf-8"
    for codec in (_header_charset(content_type), _meta_charset(body)):
        if codec and _decodes(body, codec):
            return codec
    if body.isascii() or charset_normalizer is None:
        return "utf-8"
    return _guess_charset(body[:DETECT_SAMPLE_BYTES])


def _guess_charset(sample: bytes) -> str:
    """charset_normalizer's guess; Windows-1252 (the web's default) wins ties and
    guesses without evidence; UTF-16/32 only when the sample holds NUL bytes."""
    assert charset_normalizer is not None
    wide = None if b"\x00" in sample else _WIDE_CODECS
    matches = charset_normalizer.from_bytes(sample, cp_exclusion=wide)
    best = matches.best()
    if best is None:
        return "utf-8"
    tied = {
        m.encoding
        for m in matches
        if abs(m.chaos - best.chaos) < 0.01 and abs(m.coherence - best.coherence) < 0.01
    }
    if "cp1252" in tied or (best.coherence == 0 and _decodes(sample, "cp1252")):
        return "cp1252"
    return best.encoding


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """A web `body` as text, whatever its charset claims; undecodable bytes become U+FFFD."""
    return body.decode(detect_charset(body, content_type), errors="replace")


def decode_text(data: bytes) -> str:
    """Text of a file's `data`: UTF-8 (with BOM), UTF-16/32 with a BOM, Western text as
    Windows-1252, else the detected charset; binary or undecodable data is an InputError."""
    if (wide := wide_text(data)) is not None:
        return storable(wide)
    if b"\x00" in data[:8192]:
        raise InputError("binary", "the file contains NUL bytes; it is not text")
    try:
        return storable(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    if latin := _western(data):
        return latin
    best = charset_normalizer.from_bytes(data[:DETECT_SAMPLE_BYTES]).best()
    if best is None:
        raise InputError("undecodable", "no character encoding fits the bytes")
    return storable(data.decode(best.encoding, errors="replace"))


def storable(text: str) -> str:
    """`text` without NUL characters and lone surrogates, which no warehouse column holds."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


_WESTERN_LETTERS = re.compile(r"[^\x00-\x7f\u00a0-\u00ff\u2018-\u201e\u2013\u2014\u2026\u20ac]")


def _western(data: bytes) -> str | None:
    """`data` as Windows-1252 when that reads as Western text (the commonest non-UTF-8)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if _WESTERN_LETTERS.search(text):
        return None
    accented = sum(1 for c in text if c >= "\u00c0")  # Cyrillic read as 1252 is all accents
    return text if accented < 0.3 * sum(c.isalpha() for c in text) else None
