"""Building one document piece by piece: running text and gold mentions, each passed
through the document's OCR noise as it is added, so offsets are those of the final text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.synthetic.document_noise import OcrNoise

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Slot:
    """A gold mention to place: its clean text, type, the entity meant (None = NIL) and what
    makes it hard."""

    text: str
    type: str
    true_id: str | None
    ambiguous: bool = False
    abbreviated: bool = False


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    type: str
    true_id: str | None
    ambiguous: bool
    abbreviated: bool
    noisy: bool


Piece = str | Slot | list


class DocumentBuilder:
    """Accumulates a document's text and its gold mentions."""

    def __init__(self, noise: OcrNoise) -> None:
        self.noise = noise
        self.parts: list[str] = []
        self.length = 0
        self.mentions: list[Mention] = []

    def say(self, text: str) -> None:
        """Running text (punctuation may be dropped in a noisy document)."""
        text = self.noise.text(text)
        self.parts.append(text)
        self.length += len(text)

    def mention(self, slot: Slot) -> None:
        text = self.noise.mention(slot.text, slot.type)
        self.mentions.append(Mention(self.length, self.length + len(text), text, slot.type,
                                     slot.true_id, slot.ambiguous, slot.abbreviated,
                                     text != slot.text))
        self.parts.append(text)
        self.length += len(text)

    def add(self, piece: Piece) -> None:
        """A string, a Slot, or a list of pieces, in order."""
        if isinstance(piece, Slot):
            self.mention(piece)
        elif isinstance(piece, str):
            self.say(piece)
        else:
            for part in piece:
                self.add(part)

    def fill(self, template: str, **slots: Piece) -> None:
        """`template` with each {name} replaced by the piece `slots[name]`."""
        for i, part in enumerate(PLACEHOLDER.split(template)):
            if i % 2:
                self.add(slots[part])
            elif part:
                self.say(part)

    @property
    def text(self) -> str:
        return "".join(self.parts)
