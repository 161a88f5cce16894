"""From article text to proposed claims: sentences, names, figures, attributes and qualifiers."""

from __future__ import annotations

import re
from bisect import bisect_left

from kb.nlp import qualifiers, roles
from kb.nlp.attributes import (
    KIND_WORDS, AttributeCatalog, AttributeInfo, cues_around, expand, stem, words_of,
)
from kb.nlp.discourse import Discourse
from kb.nlp.entities import EntityIndex, Mention
from kb.nlp.names import scan_names
from kb.nlp.narrowing import MEASURE, flip_comparison, specialize
from kb.nlp.pipeline import Sentence, split
from kb.nlp.proposal import COUNT_CUE_MIN, HOW_CONFIDENCE, Extraction, Proposal
from kb.nlp.quantities import Quantity, counting_sentences, sentence_quantities
from kb.nlp.subjects import NATION_AFTER, Choice, Placed, choose_subject, sentence_subject
from kb.nlp.tables import TableReader

VERIFY = re.compile(r"\[\s*verify\s*\]", re.I)
STRONG = 12.0  # a subject placed by grammar ("X's 11x", "$5.5 million for V3") beats a shared one
_TERMINAL = frozenset(".!?:;\"”’)]")
_VS = re.compile(r"^\s*(?:vs\.?|versus|v\.)\s*$", re.I)
_NEW_REFERENT = re.compile(r"^(?:An?|One|Another|Some)\b|\b(?:one|another)\s+(?!of\b)[a-z]+")
_DEFINITE_KIND = re.compile(r"\b(?:the|these|those)\s+([a-z]+)", re.I)
_RANKED = re.compile(r"^(?:top\b|\w+[-\s](?:most[-\s]\w+|\w+est)\b)", re.I)
_WORD = re.compile(r"[A-Za-z]+")


def extract(text: str, *, entities: EntityIndex, attributes: AttributeCatalog) -> Extraction:
    """Propose claims for every figure (and every [VERIFY] marker) in text."""
    tokens, sentences = split(text)
    mentions = entities.mentions(tokens)
    return _Extractor(text, tokens, entities, attributes).run(sentences, mentions)


class _Extractor:
    def __init__(self, text, tokens, entities: EntityIndex, attributes: AttributeCatalog):
        self.text, self.tokens = text, tokens
        self.entities, self.attributes = entities, attributes
        self.discourse = Discourse(entities)
        self.out = Extraction(0)
        self.unknown_names = False  # the sentence names someone kb does not know
        self.main: Mention | None = None  # the sentence's own subject
        self.tables = TableReader(text, entities, attributes, self.discourse, self.out.proposals)

    def run(self, sentences: list[Sentence], mentions: list[Mention]) -> Extraction:
        self.out.sentences = len(sentences)
        self.counting = counting_sentences(self.tokens, sentences)
        starts = [m.start for m in mentions]
        k = 0
        seen_names: set[str] = set()
        for n, sent in enumerate(sentences):
            k = bisect_left(starts, sent.start, k)
            found = mentions[k:bisect_left(starts, sent.end, k)]
            if sent.table_row:
                self.tables.row(sent, found)
                continue
            self.tables.end()
            if self._is_heading(sent):
                self.discourse.new_section()
                self.discourse.observe(found, None)
                continue
            self._sentence(sent, found, seen_names, n in self.counting)
        return self.out

    def _is_heading(self, sent: Sentence) -> bool:
        """A short line of its own that does not end like a sentence."""
        text = self.text
        if text[sent.end - 1:sent.end] in _TERMINAL:
            return False  # most sentences: decided without reading the line around them
        line_start = text.rfind("\n", 0, sent.start) + 1
        line_end = text.find("\n", sent.end)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_start:sent.start].strip() or text[sent.end:line_end].strip():
            return False
        return len(text[sent.start:sent.end].split()) <= 12

    # --- prose ---------------------------------------------------------------------------

    def _sentence(self, sent: Sentence, found: list[Mention], seen_names: set[str],
                  counting: bool) -> None:
        s_text = self.text[sent.start:sent.end]
        quantities = sentence_quantities(s_text) if counting else []
        marker = VERIFY.search(s_text) if "[" in s_text else None
        if not quantities and not marker:
            main = sentence_subject(s_text, sent.start, found, self.entities)
            self.discourse.observe(found, self.discourse.nation_topic(main) if main else (
                None if found else self.discourse.referent(s_text)), s_text)
            return
        found = self._more_mentions(sent, found, seen_names, bool(quantities))
        named = [(m.start - sent.start, m.end - sent.start) for m in found if m.how != "topic"]
        quantities = [q for q in quantities if not any(a < q.end and q.start < b for a, b in named)]
        main = self.main = sentence_subject(s_text, sent.start, found, self.entities)
        made: list[Proposal] = []
        previous: tuple[Quantity, AttributeInfo] | None = None
        spans = [(q.start, q.end) for q in quantities]
        for i, q in enumerate(quantities):
            attribute = self._attribute(s_text, q, quantities, i, previous)
            if attribute is None:
                continue
            previous = (q, attribute)
            choice = self._subject(s_text, sent, q, quantities, i, found, attribute, made, spans)
            verify = marker is not None and q.start >= marker.start()
            if choice is None and verify:
                choice = self._fallback_choice()
            if choice is None:
                continue
            made.append(self._proposal(sent, s_text, q, attribute, choice, verify, marker))
        if marker is not None and not any(p.verify for p in made):
            verify_item = self._verify_only(sent, s_text, found, marker)
            if verify_item is not None:
                made.append(verify_item)
        self.out.proposals.extend(made)
        self.discourse.observe(found, self._main_subject(main, made), s_text)

    def _main_subject(self, main: Mention | None, made: list[Proposal]) -> int | None:
        """What the sentence is about for the next one: its main name, or what that name was
        narrowed to ("the US AI sector had triple the compute" is about US compute)."""
        if main is None:
            return made[0].subject_id if made else None
        main_id = self.discourse.nation_topic(main)
        narrowed = [p.subject_id for p in made if p.how.endswith(MEASURE)]
        return narrowed[0] if narrowed else main_id

    def _more_mentions(self, sent, found, seen_names, with_figures: bool) -> list[Mention]:
        topics = self.entities.topic_mentions(self.tokens, sent.first_token, sent.last_token, found)
        topics = [t for t in topics if not any(
            m.entity_id == t.entity_id or (m.tok_start <= t.tok_start and t.tok_end <= m.tok_end)
            for m in found)]
        near, new = scan_names(self.tokens, sent.first_token, sent.last_token, self.entities, found)
        self.unknown_names = bool(new)
        if with_figures:
            for name in new:
                if name.text not in seen_names:
                    seen_names.add(name.text)
                    self.out.new_names.append(name)
        return sorted([*found, *topics, *near], key=lambda m: (m.start, -m.end))

    def _attribute(self, s_text, q: Quantity, quantities, i, previous) -> AttributeInfo | None:
        lo = quantities[i - 1].end if i > 0 else 0
        hi = quantities[i + 1].start if i + 1 < len(quantities) else len(s_text)
        own = s_text[lo:q.start].strip(" ,") if i > 0 else ""
        if previous is not None and previous[0].figure.unit == q.figure.unit and \
                len(words_of(own)) <= 2 and not q.figure.label:
            return previous[1]  # "$12.4 billion compared to $285 billion": the same measure
        rank = "rank" if _RANKED.match(q.figure.text) else ""
        count = q.figure.unit == "count"
        cues = cues_around(s_text, q.start, q.end, lo, hi, f"{q.figure.label} {q.event} {rank}",
                           counted=count)
        if count:
            attribute, score = self.attributes.choose("count", cues)
            return attribute if score >= COUNT_CUE_MIN else None
        attribute, score = self.attributes.choose(q.figure.unit, cues)
        if attribute is None or score < COUNT_CUE_MIN:
            if q.figure.unit == "date":
                return None
            return attribute or self.attributes.fallback(q.figure.unit)
        return attribute

    def _subject(self, s_text, sent, q, quantities, i, found, attribute, made, spans) -> Choice | None:
        fig = Placed(q.start, q.end, q.figure.unit, q.figure.label,
                     self.attributes.kinds.get(attribute.id, set()),
                     [sp for sp in spans if sp != (q.start, q.end)],
                     self.attributes.platform_words.get(attribute.id, set()), q.event, q.figure.text,
                     _ranked_kind(s_text, q))
        paired = self._vs_pair(s_text, sent, q, quantities, i, found)
        if paired is not None:
            return paired
        choice = choose_subject(s_text, sent.start, fig, mentions=found, main=self.main,
                                discourse=self.discourse)
        if choice is None and not made:
            choice = self._carried(s_text, sent.start, found)
        shared = self._shared(s_text, sent, q, quantities, i, found, made)
        if shared is not None and (choice is None or choice.score < STRONG):
            return flip_comparison(shared, s_text, fig, found, sent.start, self.discourse)
        if choice is None:
            return None
        choice = self._counterpart(s_text, sent, q, found, choice, made)
        choice = specialize(choice, s_text, sent.start, found, self.discourse, fig)
        return flip_comparison(choice, s_text, fig, found, sent.start, self.discourse)

    def _carried(self, s_text: str, offset: int, found: list[Mention]) -> Choice | None:
        """"By the start of this year, that gap was eightfold": a sentence naming nobody (but by
        way of example) goes on about the one before; "A lab ...", "at one lab" or a name kb
        lacks bring in someone new."""
        if any(not roles.role_at(s_text, m.start - offset, m.end - offset).example for m in found) \
                or self.unknown_names or _NEW_REFERENT.search(s_text):
            return None
        entity_id = self.discourse.previous_subject()
        if entity_id is None:
            return None
        kinds = {KIND_WORDS.get(stem(w)) for w in _DEFINITE_KIND.findall(s_text)} - {None}
        if kinds and self.entities.entities[entity_id].kind not in kinds:
            return None  # "the labs" do not point back to a model
        return Choice(entity_id, 0.0, "context")

    def _shared(self, s_text, sent, q, quantities, i, found, made) -> Choice | None:
        """"$0.43 per million input tokens and $0.87 per million output": one subject for both."""
        if i == 0 or not made or made[-1].figure_end != sent.start + quantities[i - 1].end:
            return None
        previous = made[-1]
        # "introduced it in V2 in May 2024 ..., reducing memory use by 93%": a date says when
        # something happened to its subject, and the measure after it may be another's.
        if previous.how.startswith("context") or previous.figure.unit == "date" != q.figure.unit:
            return None
        lo, hi = quantities[i - 1].end, q.start
        between = []
        for m in found:
            s, e = m.start - sent.start, m.end - sent.start
            if lo <= s < hi and m.how != "nation":
                role = roles.role_at(s_text, s, e)
                if not role.asserter and (not role.reference or roles.possessive_of(s_text, e, q.start)):
                    between.append(m)
        if between or _nation_after(s_text, sent, q, found) is not None:
            return None
        if roles.clause_breaks(s_text[lo:hi]) > 1:
            return None
        return Choice(previous.subject_id, 9.0, "shared", relative_to=previous.relative_to)

    def _vs_pair(self, s_text, sent, q, quantities, i, found) -> Choice | None:
        """"(88.5% vs. 88.7%)" after "DeepSeek-V2 ... GPT-4": the figures follow the names."""
        if i + 1 < len(quantities) and _VS.match(s_text[q.end:quantities[i + 1].start]):
            first, position = q, 0
        elif i > 0 and _VS.match(s_text[quantities[i - 1].end:q.start]):
            first, position = quantities[i - 1], 1
        else:
            return None
        names: list[int] = []
        for m in found:
            if m.end - sent.start <= first.start and m.entity_id is not None:
                if m.entity_id in names:
                    names.remove(m.entity_id)
                names.append(m.entity_id)
        if len(names) < 2:
            return None
        return Choice(names[-2 + position], 12.0, "vs")

    def _counterpart(self, s_text, sent, q, found, choice: Choice, made) -> Choice:
        """"$12.4 billion ... compared to $285 billion in the US": the same topic, other nation."""
        m = _nation_after(s_text, sent, q, found)
        if m is not None:
            for p in reversed(made):
                other = self.entities.counterpart(p.subject_id, m.nation)
                if other is not None and other != p.subject_id:
                    return Choice(other, choice.score, "counterpart")
            sector = self.entities.sector_topic.get(m.nation)
            if sector is not None and choice.how not in ("possessor", "parenthesis", "for"):
                return Choice(sector, choice.score, "nation after")
        return choice

    def _proposal(self, sent, s_text, q: Quantity, attribute, choice: Choice, verify,
                  marker) -> Proposal:
        scope = ""
        if choice.relative_to is not None:
            scope = f"relative to {self.entities.entities[choice.relative_to].name}"
        elif choice.references and q.figure.unit == "x":
            ref = choice.references[-1]
            scope = f"relative to {self.text[ref.start:ref.end]}"
        confidence = HOW_CONFIDENCE.get(choice.how.split("+")[0], 0.5)
        return Proposal(
            start=sent.start, end=sent.end, subject_id=choice.entity_id, attribute=attribute,
            figure=q.figure, figure_start=sent.start + q.start, figure_end=sent.start + q.end,
            period=qualifiers.period_near(s_text, q.start, q.end),
            asserted_by=qualifiers.asserted_by(s_text, q.start, q.end), scope=scope,
            verify=verify, note=self._verify_note(s_text, marker) if verify else "",
            confidence=confidence, how=choice.how, relative_to=choice.relative_to)

    @staticmethod
    def _verify_note(s_text: str, marker) -> str:
        return f"[VERIFY] in the source: {s_text[marker.end():].strip()}"

    def _fallback_choice(self) -> Choice | None:
        entity_id = self.discourse.fallback_subject()
        return None if entity_id is None else Choice(entity_id, 0.0, "fallback")

    def _verify_only(self, sent, s_text, found, marker) -> Proposal | None:
        """A [VERIFY] sentence with no figure in its scope: a claim for the fact-checkers."""
        scope_text = s_text[marker.end():]
        cues = {w: 1.0 for w in expand(words_of(scope_text))}
        attribute, score = self.attributes.choose(None, cues)
        attribute = attribute or self.attributes.fallback(None)
        fig = Placed(marker.start(), marker.end(), "", "", self.attributes.kinds.get(
            attribute.id, set()) if attribute else set(), [], set())
        choice = choose_subject(s_text, sent.start, fig, mentions=found, main=self.main,
                                discourse=self.discourse)
        if choice is None:
            choice = self._fallback_choice()
        if attribute is None or choice is None:
            return None
        choice = specialize(choice, s_text, sent.start, found, self.discourse, fig)
        return Proposal(start=sent.start, end=sent.end, subject_id=choice.entity_id,
                        attribute=attribute, figure=None, verify=True,
                        note=self._verify_note(s_text, marker), confidence=0.3, how=choice.how)


def _ranked_kind(s_text: str, q: Quantity) -> str:
    """"Ollama, the second-most-downloaded local model": what kind of thing the rank is among."""
    if not _RANKED.match(q.figure.text):
        return ""
    for word in _WORD.findall(s_text[q.end:q.end + 30])[:3]:
        if kind := KIND_WORDS.get(stem(word)):
            return kind
    return ""


def _nation_after(s_text: str, sent: Sentence, q: Quantity, found: list[Mention]) -> Mention | None:
    """"... $285 billion in the US": a nation right after the figure, if there is one."""
    for m in found:
        if m.how == "nation" and m.start - sent.start >= q.end and \
                NATION_AFTER.match(s_text[q.end:m.start - sent.start]):
            return m
    return None
