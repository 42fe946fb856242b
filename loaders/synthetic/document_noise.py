"""OCR-like noise for generated documents, applied piece by piece while a document is built,
so that gold offsets always refer to the noisy text: confusable characters in names and
identifiers, full-width digits, a stray space or line break inside a name or number, and
dropped punctuation in running text."""

from __future__ import annotations

import numpy as np

# Visually confusable characters an OCR engine swaps in names (both directions).
NAME_CONFUSABLES = dict(pair for a, b in ("王玉", "己已", "末未", "杨扬", "侯候", "日曰", "土士",
                                          "人入", "天夭", "晴睛", "戊戌", "明朋", "建健")
                        for pair in ((a, b), (b, a)))
# Digit -> letters an OCR engine reads it as. Credit codes use the alphabet without I, O, S
# (so those swaps stay recognisable there); 8 -> B only in all-digit identifiers.
DIGIT_CONFUSABLES = {"0": "O", "1": "lI", "5": "S", "8": "B"}
CODE_CONFUSABLES = {"0": "O", "1": "I", "5": "S"}
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
PUNCTUATION = "，。、；：,;"
STRAY = (" ", "\n")

NOISY_DOCUMENT_SHARE = 0.35  # documents with OCR noise (times `noise`)
NOISY_MENTION_SHARE = 0.3    # mentions altered in a noisy document (times `noise`)
DROPPED_PUNCTUATION_SHARE = 0.15  # punctuation marks dropped in a noisy document's text


class OcrNoise:
    """Noise of one document: `active` says whether it is a noisy document at all."""

    def __init__(self, rng: np.random.Generator, level: float) -> None:
        self.rng, self.level = rng, level
        self.active = bool(rng.random() < min(1.0, NOISY_DOCUMENT_SHARE * level))

    def _hit(self, share: float) -> bool:
        return self.active and bool(self.rng.random() < min(1.0, share * self.level))

    def text(self, text: str) -> str:
        """Running text with some punctuation dropped."""
        if not self.active or not any(c in PUNCTUATION for c in text):
            return text
        keep = self.rng.random(len(text)) >= DROPPED_PUNCTUATION_SHARE * self.level
        return "".join(c for c, k in zip(text, keep, strict=True) if k or c not in PUNCTUATION)

    def mention(self, text: str, kind: str) -> str:
        """A mention's text, altered for a share of mentions of a noisy document (returned
        unchanged otherwise); `kind` is the gold type."""
        if not self._hit(NOISY_MENTION_SHARE):
            return text
        if kind in ("person", "organization"):
            return self._name(text)
        return self._identifier(text, CODE_CONFUSABLES if kind == "credit_code"
                                else DIGIT_CONFUSABLES)

    def _name(self, text: str) -> str:
        spots = [i for i, c in enumerate(text) if c in NAME_CONFUSABLES]
        if spots and self.rng.random() < 0.5:
            i = spots[int(self.rng.integers(len(spots)))]
            return text[:i] + NAME_CONFUSABLES[text[i]] + text[i + 1:]
        return self._stray(text)

    def _stray(self, text: str) -> str:
        """A space or line break inside the text (never at either end)."""
        if len(text) < 2:
            return text
        i = int(self.rng.integers(1, len(text)))
        return text[:i] + STRAY[int(self.rng.integers(len(STRAY)))] + text[i:]

    def _identifier(self, text: str, confusables: dict[str, str]) -> str:
        way = int(self.rng.integers(3))
        if way == 0:
            return text.translate(FULLWIDTH_DIGITS)
        spots = [i for i, c in enumerate(text) if c in confusables]
        if way == 1 and spots:
            chosen = self.rng.choice(spots, size=min(len(spots), 2), replace=False)
            chars = list(text)
            for i in sorted(int(i) for i in chosen):
                options = confusables[chars[i]]
                chars[i] = options[int(self.rng.integers(len(options)))]
            return "".join(chars)
        return self._stray(text)
