"""Every relative link in README.md and docs/*.md leads somewhere: the file exists, and so does the
heading an ``#anchor`` names (by GitHub's slug rule), so a reader never follows a dead link."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) and ![alt](target), an optional "title" after the target; not inside code.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (``-`` and ``_`` kept), spaces to ``-``.

    >>> slug("Unchanged clients through the proxy"), slug("15. What did the suite exercise? (`--wa-coverage`)")
    ('unchanged-clients-through-the-proxy', '15-what-did-the-suite-exercise---wa-coverage')
    """
    text = re.sub(r"<[^>]+>", "", heading).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of ``page``; a repeated slug gets ``-1``, ``-2``… as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    """The link targets of ``page``, outside code blocks and code spans."""
    text = CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return LINK.findall(text)


def broken(page: Path, root: Path = ROOT) -> list[str]:
    """``page: target (why)`` for each relative link of ``page`` that leads nowhere."""
    problems = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # https:, mailto:: not this test's business
        path, _, anchor = target.partition("#")
        destination = (page.parent / unquote(path)).resolve() if path else page
        name = f"{page.relative_to(root)}: {target}"
        if not destination.exists():
            problems.append(f"{name} (no such file)")
        elif anchor and destination.suffix == ".md" and unquote(anchor).lower() not in anchors(destination):
            problems.append(f"{name} (no heading with that anchor in {destination.relative_to(root)})")
    return problems


def test_the_pages_have_relative_links_to_check():
    assert sum(len(links(page)) for page in PAGES) >= 20


def test_every_relative_link_points_at_an_existing_file_and_heading():
    problems = [problem for page in PAGES for problem in broken(page)]
    assert not problems, "dead links:\n" + "\n".join(problems)


def test_a_dead_link_and_a_dead_anchor_are_reported(tmp_path: Path):
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other page\n\n## A `code` heading, twice\n\n## A `code` heading, twice\n")
    page.write_text("[ok](other.md#a-code-heading-twice-1) [self](#title) [gone](missing.md) "
                    "[bad](other.md#nope) [web](https://example.com/x) `[code](missing.md)`\n\n# Title\n")
    assert [problem.split(": ", 1)[1] for problem in broken(page, tmp_path)] == [
        "missing.md (no such file)", "other.md#nope (no heading with that anchor in other.md)"]

