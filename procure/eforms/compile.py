"""From the shipped SDK files to one XSLT 3.0 validator per DFØ kind and notice subtype.

The EU's Schematron for a subtype is the patterns of its phase `eforms-<subtype>` in
`complete-validation.sch`. For notices declared Norwegian, DFØ's build is followed (its Ruby
and XSLT scripts are not copied; what they do is written again here):

- cleanup per kind: rules and asserts DFØ takes out (the CustomizationID and language rules,
  other subtypes' rules, the fields in `removed:`), regexes `{n,}` bounded to `{n,63}`, and for
  the older national kind the subtype codes renamed `'16'` -> `'N16'`;
- the patch for this SDK minor (`nor/patch/*.patch`), which admits the `quality-nor-env-*`
  award-criterion codes: its changed asserts are applied by id, and the build stops if the
  SDK's assert is not the one the patch was made against;
- DFØ's own rules from `nor/fields/<kind>.yaml` (`rules:` per field or node, evaluated on the
  nodes of its absolute XPath, or the rule's `context`), plus the two rules DFØ adds for every
  multilingual text field (present in all the notice's languages, and in no other), in one
  pattern, one rule per context in sorted order, as DFØ's `fields-sch` makes them;
- DFØ's validator (the ISO skeleton) never visits attributes, so for these kinds rules whose
  context is an attribute never fire; the EU's own validator does visit them, and so does the
  plain SDK check. The yaml's `mandatory`/`forbidden` constraints are not turned into asserts
  (DFØ does not either). `current-date()` is the validation's `today` parameter, so results
  do not depend on the day they are computed (DFØ's EFORMS-NOR-NATIONAL-DV-R001B compares the
  dispatch date with it).

Schematron is compiled to XSLT here too: each pattern is a mode that walks the document, each
rule a template matching its context with a priority falling in document order (so a node
fires only the first rule of a pattern that matches it, as the standard says), each failed
assert one line of output: its number in the validator's table and where it failed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import yaml
from lxml import etree

from procure.eforms import sdk

SCH = "http://purl.oclc.org/dsdl/schematron"
S = {"s": SCH}
# Bumped when the generated XSLT or the table changes meaning: old cache files are ignored.
COMPILER_VERSION = "2"
SHARED = "shared"  # the patterns every phase has, for a subtype the SDK does not know
NOR_PREFIX = "nor-"  # DFØ's rule set has variables of its own, renamed to keep them apart
OWN_NS = "urn:procure:eforms"


class BuildError(RuntimeError):
    """The shipped files cannot be turned into a validator (a bug or a bad SDK update)."""


@dataclass
class Assert:
    id: str
    role: str
    test: str
    flag: str = ""
    diagnostics: str = ""
    message: str = ""  # DFØ's rules carry one; the EU's are "rule|text|<id>"
    field: str = ""  # the field (fields.json) id it is about, where known


@dataclass
class Rule:
    context: str
    asserts: list[Assert]


@dataclass
class Pattern:
    id: str
    rules: list[Rule]
    lets: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RuleSet:
    kind: str
    subtype: str  # the phase's subtype, or SHARED
    lets: list[tuple[str, str]]
    patterns: list[Pattern]
    visit_attributes: bool


# --- the EU Schematron ------------------------------------------------------------------------


@cache
def _complete() -> etree._Element:
    return etree.parse(str(sdk.STATIC_DIR / "complete-validation.sch")).getroot()


@cache
def _pattern_file(href: str) -> etree._Element:
    return etree.parse(str(sdk.STATIC_DIR / href)).getroot()


@cache
def _diagnostic_fields() -> dict[str, str]:
    """diagnostic id -> the field it points at (`see="field:BT-…"`)."""
    found = {}
    for diagnostic in _complete().iter(f"{{{SCH}}}diagnostic"):
        see = str(diagnostic.get("see") or "")
        if see.startswith("field:"):
            found[str(diagnostic.get("id"))] = see.removeprefix("field:")
    return found


def _phase_patterns(subtype: str) -> list[str]:
    root = _complete()
    phases = {str(p.get("id")).removeprefix("eforms-"): [str(a.get("pattern")) for a in
                                                         p.findall("s:active", S)]
              for p in root.findall("s:phase", S)}
    if subtype in phases:
        return phases[subtype]
    every = [set(names) for names in phases.values()]
    first = next(iter(phases.values()))
    return [name for name in first if all(name in names for names in every)]


def _context_field(context: str) -> str:
    plain = re.sub(r"\[\$noticeSubType = '[^']*'\]", "", context)
    return sdk.field_ids_by_xpath().get(plain, "")


def eu_patterns(subtype: str) -> list[Pattern]:
    """The patterns of the SDK's phase for the subtype, as Schematron has them."""
    wanted = _phase_patterns(subtype)
    by_id = {}
    for include in _complete().findall("s:include", S):
        root = _pattern_file(str(include.get("href")))
        by_id[str(root.get("id"))] = root
    diagnostics = _diagnostic_fields()
    patterns = []
    for name in wanted:
        root = by_id[name]
        lets = [(str(let.get("name")), str(let.get("value"))) for let in root.findall("s:let", S)]
        rules = []
        for rule in root.findall("s:rule", S):
            context = str(rule.get("context"))
            found = re.search(r"\[\$noticeSubType = '([^']+)'\]", context)
            if found and found.group(1) != subtype:
                continue  # another subtype's rule: it could never fire
            asserts = []
            for element in rule.findall("s:assert", S):
                assert_id = str(element.get("id"))
                diagnostic = str(element.get("diagnostics") or "")
                suffix = re.fullmatch(r"(.+)_(MA|WS|length|[A-Z]+)", assert_id)
                field_id = (diagnostics.get(diagnostic)
                            or (suffix.group(1) if suffix and suffix.group(1)
                                in sdk.fields_by_id() else "")
                            or _context_field(context))
                asserts.append(Assert(id=assert_id, role=str(element.get("role") or "ERROR"),
                                      test=str(element.get("test")),
                                      flag=str(element.get("flag") or ""),
                                      diagnostics=diagnostic, field=field_id))
            rules.append(Rule(context, asserts))
        patterns.append(Pattern(name, rules, lets))
    return patterns


# --- DFØ's cleanup and patch ------------------------------------------------------------------


def _bounded_regex(test: str) -> str:
    return re.sub(r"\{(\d),\}", r"{\1,63}", test)


def _keep_rule(kind: str, context: str) -> bool:
    if context == "/*/cbc:CustomizationID":
        return False
    if kind == "eu":
        return not re.search(r"noticeSubType = '(CEI|T01|T02|X01|X02)'", context)
    if kind == "national":
        return context not in ("/*/cbc:NoticeLanguageCode",
                               "/*/cac:AdditionalNoticeLanguage/cbc:ID")
    # national-e: every subtype rule goes but those of E2-E4, and any naming an EU subtype.
    if context == "/*/cac:AdditionalNoticeLanguage/cbc:ID":
        return False
    return "noticeSubType" not in context or bool(
        re.search(r"'E[2-4]'", context) and not re.search(r"'[0-9]{1,2}'", context))


def _keep_assert(kind: str, item: Assert, removed: set[str]) -> bool:
    if kind == "eu":
        if item.id in ("BR-BT-00702-0102", "BR-BT-00702-0103"):
            return False
        return not (item.id.endswith(("_B", "_C")) and "NoticeLanguageCode" in item.test)
    if kind == "national-e" and item.id == "BR-BT-00702-0102":
        return False
    return item.diagnostics not in removed and item.id not in removed


def _renamed_subtypes(test: str) -> str:
    if "efac:NoticeSubType/cbc:SubTypeCode" in test or "noticeSubType" in test:
        return re.sub(r"'([0-9]{1,2})'", r"'N\1'", test)
    return test


def cleanup(kind: str, patterns: list[Pattern], removed: set[str]) -> list[Pattern]:
    """DFØ's cleanup of the EU Schematron for a kind (its sch-cleanup-<kind> step)."""
    result = []
    for pattern in patterns:
        rules = []
        for rule in pattern.rules:
            if not _keep_rule(kind, rule.context):
                continue
            context = rule.context
            if kind == "national":
                context = re.sub(r"(\[\$noticeSubType = )'([0-9]{1,2})'", r"\1'N\2'", context)
            asserts = []
            for item in rule.asserts:
                if not _keep_assert(kind, item, removed):
                    continue
                test = _bounded_regex(item.test)
                if kind == "national":
                    test = _renamed_subtypes(test)
                asserts.append(Assert(**{**asdict(item), "test": test}))
            rules.append(Rule(context, asserts))
        result.append(Pattern(pattern.id, rules, pattern.lets))
    return result


PATCH_TARGETS = {"eu-eforms-static.sch": "eu", "national-eforms-static.sch": "national",
                 "national-e-eforms-static.sch": "national-e"}


@cache
def patch_changes() -> dict[str, dict[str, tuple[str, str]]]:
    """kind -> assert id -> (test before, test after), from DFØ's patch for this SDK."""
    changes: dict[str, dict[str, tuple[str, str]]] = {}
    for path in sorted((sdk.NOR_DIR / "patch").glob("*.patch")):
        kind = ""
        before: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("diff --git "):
                kind = PATCH_TARGETS.get(line.rsplit("/", 1)[-1], "")
                before = {}
                continue
            if not kind or line[:1] not in "+-" or "<assert " not in line:
                continue
            element = etree.fromstring(line[1:].strip().encode())
            assert_id, test = str(element.get("id")), str(element.get("test"))
            if line.startswith("-"):
                before[assert_id] = test
            elif assert_id in before:
                changes.setdefault(kind, {})[assert_id] = (before[assert_id], test)
    return changes


def apply_patch(kind: str, patterns: list[Pattern]) -> None:
    wanted = dict(patch_changes().get(kind, {}))
    for pattern in patterns:
        for rule in pattern.rules:
            for item in rule.asserts:
                if item.id not in wanted:
                    continue
                old, new = wanted[item.id]
                if item.test != old:
                    raise BuildError(f"DFØ's patch does not apply to {item.id}: the SDK's test "
                                     f"is not the one the patch was made against")
                item.test = new


# --- DFØ's rules ------------------------------------------------------------------------------


@cache
def nor_config(kind: str) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(
        (sdk.NOR_DIR / "fields" / f"{kind}.yaml").read_text(encoding="utf-8"))
    return config


@cache
def nor_lets() -> list[tuple[str, str]]:
    root = etree.parse(str(sdk.NOR_DIR / "template" / "main.sch")).getroot()
    return [(str(let.get("name")), str(let.get("value"))) for let in root.findall("s:let", S)]


def _nor_test(test: str) -> str:
    for name, _value in nor_lets():
        test = re.sub(rf"\${re.escape(name)}\b", f"${NOR_PREFIX}{name}", test)
    return test


def nor_pattern(kind: str) -> Pattern:
    """DFØ's rules for a kind as one pattern (its process-fields and fields-sch steps)."""
    config = nor_config(kind)
    known = sdk.fields_by_id()
    nodes = {node["id"] for node in sdk.fields_document()["xmlStructure"]}
    added = {key: value for key, value in (config.get("fields") or {}).items()
             if key not in known}
    by_context: dict[str, list[Assert]] = {}

    def add(owner: str, context: str, item: Assert) -> None:
        by_context.setdefault(context, []).append(item)

    order = [*[n["id"] for n in sdk.fields_document()["xmlStructure"]],
             *[f["id"] for f in sdk.fields_document()["fields"]], *added]
    rules = config.get("rules") or {}
    for owner in order:
        definition = {**known.get(owner, {}), **added.get(owner, {}),
                      **(config.get("fields") or {}).get(owner, {})}
        for entry in rules.get(owner) or []:
            context = str(entry.get("context") or definition.get("xpathAbsolute") or "")
            if not context:
                raise BuildError(f"DFØ's rule {entry.get('id')} has no context")
            add(owner, context, Assert(
                id=str(entry["id"]), role=str(entry.get("role") or "ERROR"),
                test=_nor_test(str(entry["test"])), flag=str(entry.get("flag") or ""),
                message=" ".join(str(entry.get("message") or "").split()),
                field="" if owner in nodes else owner))
        if definition.get("type") == "text-multilingual":
            absolute, relative = definition["xpathAbsolute"], definition["xpathRelative"]
            context = absolute[:len(absolute) - len(relative) - 1]
            name = re.sub(r"[()]", "_", owner)
            languages = ("/*/cbc:NoticeLanguageCode/normalize-space(), "
                         "/*/cac:AdditionalNoticeLanguage/cbc:ID/normalize-space(), "
                         "/*/ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/"
                         "efext:EformsExtension/efac:NonOfficialLanguages/cac:Language/cbc:ID/"
                         "normalize-space()")
            add(owner, context, Assert(
                id=f"EFORMS-NOR-{name}_B", role="ERROR", field=owner,
                test=f"not({relative}) or (every $lg in ({languages}) satisfies "
                     f"{relative}/@languageID = $lg)",
                message=f"{owner} must be present in all official languages of the notice"))
            add(owner, context, Assert(
                id=f"EFORMS-NOR-{name}_C", role="ERROR", field=owner,
                test=f"not({relative}) or (every $lg in ({relative}/@languageID) satisfies "
                     f"$lg = ({languages}))",
                message=f"{owner} can only be in the official languages of the notice"))
    pattern_rules = [Rule(context, by_context[context]) for context in sorted(by_context)]
    return Pattern(f"norway-{kind}", pattern_rules,
                   [(f"{NOR_PREFIX}{name}", _nor_test(value)) for name, value in nor_lets()])


def rule_set(kind: str, subtype: str) -> RuleSet:
    """Every rule a notice of this kind and subtype is checked against."""
    phase = subtype if subtype in sdk.subtypes() else SHARED
    patterns = eu_patterns(phase)
    lets = [(str(let.get("name")), str(let.get("value")))
            for let in _complete().findall("s:let", S)]
    if kind == sdk.SDK_KIND:
        return RuleSet(kind, phase, lets, patterns, visit_attributes=True)
    removed = {str(item) for item in nor_config(kind).get("removed") or []}
    patterns = cleanup(kind, patterns, removed)
    apply_patch(kind, patterns)
    return RuleSet(kind, phase, lets, [*patterns, nor_pattern(kind)], visit_attributes=False)


# --- Schematron to XSLT -----------------------------------------------------------------------


def _message_kind(item: Assert) -> tuple[str, int | None]:
    """How to say what failed, for the EU's rules (they carry no text of their own)."""
    test = item.test.strip()
    if item.message:
        return "dfo", None
    if item.id.endswith("_WS"):
        return "whitespace", None
    length = re.search(r"string-length\(normalize-space\(\.\)\) le (\d+)", test)
    if length:
        return "length", int(length.group(1))
    if item.id.endswith("_MA") or re.match(r"count\(.*\) > 0", test):
        return "mandatory", None
    if re.match(r"count\(.*\) = 0", test):
        return "forbidden", None
    if re.match(r"normalize-space\(\.\) = \(", test):
        return "codelist", None
    if test.startswith("matches("):
        return "format", None
    return "rule", None


def _loc_function(prefixes: dict[str, str]) -> str:
    entries = ", ".join(f"'{uri}': '{prefix}'" for uri, prefix in sorted(prefixes.items()))
    return f"""
<xsl:variable name="procure:prefixes" select="map{{{entries}}}"/>
<xsl:function name="procure:loc" as="xs:string">
  <xsl:param name="node" as="node()"/>
  <xsl:sequence select="string-join(for $n in $node/ancestor-or-self::node()
    [not(self::document-node())] return procure:step($n), '')"/>
</xsl:function>
<xsl:function name="procure:step" as="xs:string">
  <xsl:param name="n" as="node()"/>
  <xsl:variable name="prefix" select="($procure:prefixes(namespace-uri($n)), '')[1]"/>
  <xsl:variable name="name"
    select="if ($prefix) then concat($prefix, ':', local-name($n)) else name($n)"/>
  <xsl:sequence select="if ($n instance of attribute()) then concat('/@', $name)
    else concat('/', $name, if (count($n/../*[node-name(.) eq node-name($n)]) gt 1)
      then concat('[', count($n/preceding-sibling::*[node-name(.) eq node-name($n)]) + 1, ']')
      else '')"/>
</xsl:function>"""


def _on_attribute(context: str) -> bool:
    """True when a rule's context selects attributes (its last step, predicates aside)."""
    plain = context
    while True:
        shorter = re.sub(r"\[[^\[\]]*\]", "", plain)
        if shorter == plain:
            break
        plain = shorter
    return "@" in plain.split("/")[-1]


def to_xslt(rules: RuleSet) -> tuple[str, list[dict[str, Any]]]:
    """The XSLT for a rule set, and its table: one entry per assert, in output numbering."""
    namespaces = {prefix: uri for prefix, uri in sdk.NS.items()}
    for ns in _complete().findall("s:ns", S):
        namespaces[str(ns.get("prefix"))] = str(ns.get("uri"))
    declarations = " ".join(f"xmlns:{prefix}={quoteattr(uri)}"
                            for prefix, uri in sorted(namespaces.items()))
    output = [
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
        f'xmlns:procure="{OWN_NS}" {declarations} exclude-result-prefixes="#all">',
        '<xsl:output method="text"/>',
        '<xsl:param name="today-text" as="xs:string" required="yes"/>',
        '<xsl:variable name="today" select="xs:date($today-text)"/>',
        _loc_function({uri: prefix for prefix, uri in sdk.NS.items()}),
    ]

    def expression(text: str) -> str:
        return quoteattr(text.replace("current-date()", "$today"))

    lets = [*rules.lets, *(let for pattern in rules.patterns for let in pattern.lets)]
    output.extend(f'<xsl:variable name="{name}" select={expression(value)}/>'
                  for name, value in lets)
    # A pattern without rules walks nothing; one whose rules are all on elements does not
    # visit attributes (a walk over every attribute in every pattern costs a third more).
    patterns = [pattern for pattern in rules.patterns if any(r.asserts for r in pattern.rules)]
    modes = [f"M{index}" for index in range(len(patterns))]
    output.append('<xsl:template match="/">'
                  + "".join(f'<xsl:apply-templates select="." mode="{mode}"/>' for mode in modes)
                  + "</xsl:template>")
    table: list[dict[str, Any]] = []
    for mode, pattern in zip(modes, patterns, strict=True):
        on_attributes = any(_on_attribute(rule.context) for rule in pattern.rules)
        children = "@*|*" if rules.visit_attributes and on_attributes else "*"
        priority = len(pattern.rules) + 1
        for rule in pattern.rules:
            priority -= 1
            if not rule.asserts:
                continue
            output.append(f'<xsl:template match={expression(rule.context)} '
                          f'priority="{priority}" mode="{mode}">')
            for item in rule.asserts:
                kind, limit = _message_kind(item)
                # A test that cannot be evaluated (a date that is no date) fails its assert,
                # rather than stopping the whole validation.
                failed = (f"<xsl:value-of select=\"concat('{len(table)}&#9;', procure:loc(.), "
                          f"'&#10;')\"/>")
                output.append(f"<xsl:try><xsl:if test={expression(f'not({item.test})')}>"
                              f"{failed}</xsl:if><xsl:catch>{failed}</xsl:catch></xsl:try>")
                table.append({"id": item.id, "role": item.role, "flag": item.flag,
                              "field": item.field, "message": item.message, "kind": kind,
                              "limit": limit})
            output.append(f'<xsl:apply-templates select="{children}" mode="{mode}"/>'
                          "</xsl:template>")
        output.append(f'<xsl:template match="@*|node()" priority="-2" mode="{mode}">'
                      f'<xsl:apply-templates select="{children}" mode="{mode}"/></xsl:template>')
    output.append("</xsl:stylesheet>")
    return "\n".join(output), table


# --- the disk cache ---------------------------------------------------------------------------


@cache
def build_key() -> str:
    """Changes with the SDK, DFØ's files and this compiler: a cache directory per key."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(sdk.NOR_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return f"sdk-{sdk.sdk_version()}-{COMPILER_VERSION}-{digest.hexdigest()[:12]}"


def cached_validator(cache_dir: Path, kind: str, subtype: str) -> tuple[str, list[dict[str, Any]]]:
    """The XSLT and table for a kind and subtype: from the cache, or built and cached."""
    phase = subtype if subtype in sdk.subtypes() else SHARED
    folder = cache_dir / build_key()
    xslt_path = folder / f"{kind}-{phase}.xsl"
    table_path = folder / f"{kind}-{phase}.json"
    if xslt_path.is_file() and table_path.is_file():
        try:
            table: list[dict[str, Any]] = json.loads(table_path.read_text(encoding="utf-8"))
            return xslt_path.read_text(encoding="utf-8"), table
        except (OSError, ValueError):
            pass  # a damaged cache file is built again
    xslt, table = to_xslt(rule_set(kind, phase))
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in ((xslt_path, xslt), (table_path, json.dumps(table))):
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)  # atomic: a reader never sees half a file
    return xslt, table
