"""The README's filter reference lists the codes the filters accept: generated prose would be better, but the
README is read on GitHub, so a test keeps its lists equal to the definitions (issue 18: no unguarded copy)."""

import re
from pathlib import Path

from registry.units.categories import Category
from registry.units.vacancy import Status

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def documented(parameter):
    match = re.search(rf"`{parameter}` \(((?:`[a-z_]+`(?:, )?)+)\)", README)
    assert match, f"README lists the codes of `{parameter}`"
    return re.findall(r"`([a-z_]+)`", match.group(1))


def test_the_readme_lists_every_status_code_and_no_other():
    assert documented("status") == [status.value for status in Status]


def test_the_readme_lists_every_category_code_and_no_other():
    assert documented("category") == [category.value for category in Category]
