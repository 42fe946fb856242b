"""A spaCy NER trained on generated annotated documents, run after the rule components to
add the persons and organisations they missed.

The models ship in ``linking/text/models/<lang>/`` (a blank pipeline holding one ``ner``,
labels ``person`` and ``organization``), trained and measured by
``tests/benchmarks/bench_text_ner.py``; a language is given one only where it beat the rules
alone on the development documents. The NER runs on the rule pipeline's own tokens and adds
only spans that overlap nothing the rules found: rules decide, the NER fills gaps.
Identifiers stay rule-based. Loaded from disk; nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

MODELS = Path(__file__).resolve().parent / "models"
TRAINED_NER = "kglink_trained_ner"


def model_path(lang: str) -> Path | None:
    """The shipped NER model of a language, or None when it has none."""
    path = MODELS / lang
    return path if (path / "config.cfg").is_file() else None


def add_trained_ner(nlp: Language, lang: str, path: Path | None = None) -> None:
    """Append the trained NER (``path``, else the one shipped for ``lang``, if any) after a
    rule pipeline's components."""
    from spacy.language import Language

    path = path or model_path(lang)
    if path is None:
        return
    if not Language.has_factory(TRAINED_NER):
        Language.factory(TRAINED_NER, default_config={"path": ""},
                         func=lambda nlp, name, path: TrainedNer(nlp, Path(path)))
    nlp.add_pipe(TRAINED_NER, last=True, config={"path": str(path)})


class TrainedNer:
    """Adds the entities a trained NER finds that overlap no entity already found."""

    def __init__(self, nlp: Language, path: Path) -> None:
        import spacy

        self.ner = spacy.load(path).get_pipe("ner")
        for label in self.ner.labels:  # known to the pipeline's documents before any rule
            nlp.vocab.strings.add(label)

    def __call__(self, doc: Doc) -> Doc:
        from linking.text.pipeline import _add_ents

        found = list(doc.ents)
        doc.ents = []
        predicted = [t for t in map(_trimmed, self.ner(doc).ents) if t is not None]
        doc.ents = found
        _add_ents(doc, predicted)
        return doc


def _trimmed(span: Span) -> Span | None:
    """A predicted span without whitespace tokens at its ends (None when only those)."""
    from spacy.tokens import Span

    doc, start, end = span.doc, span.start, span.end
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return Span(doc, start, end, label=span.label_) if end > start else None
