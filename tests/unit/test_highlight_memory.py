"""Fenced code highlighted once per renderer (chalk.markdown.highlight): the same HTML as drawing
every block again, whatever the block's options, and only unchanged blocks reused."""

from __future__ import annotations

from chalk.markdown import MarkdownRenderer
from chalk.markdown.highlight import HighlightMemory

from support.html import find_all, parse_html, text_of

BODY = '''\
Some prose.

```python title="walk.py" hl_lines="2"
def walk(tree):
    yield from tree
```

```python linenums="3"
def walk(tree):
    yield from tree
```

```rust
fn main() { println!("hi"); }
```

```python
def walk(tree):
    yield from tree
```

    indented = "code"

Inline `code` too.
'''


def test_a_warm_renderer_writes_exactly_what_a_fresh_one_writes() -> None:
    warm = MarkdownRenderer()
    first = warm.render(BODY, "a.md").html
    again = warm.render(BODY.replace("Some prose.", "Other prose."), "a.md").html
    assert warm.highlights.hits == 4  # every fenced block came from memory the second time
    fresh = MarkdownRenderer().render(BODY.replace("Some prose.", "Other prose."), "a.md").html
    assert again == fresh
    assert again == first.replace("Some prose.", "Other prose.")
    blocks = find_all(parse_html(f"<body>{again}</body>"), "div", cls="highlight")
    assert len(blocks) == 5
    assert text_of(blocks[0]).startswith("walk.py")  # the title and the line options kept their blocks apart


def test_an_edited_block_is_drawn_again_and_the_others_are_reused() -> None:
    renderer = MarkdownRenderer()
    renderer.render(BODY, "a.md")
    edited = BODY.replace('println!("hi")', 'println!("bye")')
    html = renderer.render(edited, "a.md").html
    assert renderer.highlights.hits == 3
    assert "bye" in html and "hi&quot;" not in html and html == MarkdownRenderer().render(edited, "a.md").html


def test_moving_a_block_to_another_position_is_not_taken_for_the_same_block() -> None:
    """Line-number anchors carry the block's position in the article: a block with line
    numbers now in second place must not reuse the anchors it had in first place."""
    one = '```python linenums="1"\nx = 1\n```\n'
    two = '```python\ny = 2\n```\n\n' + one
    renderer = MarkdownRenderer()
    renderer.render(one, "a.md")
    assert renderer.render(two, "a.md").html == MarkdownRenderer().render(two, "a.md").html


def test_the_memory_keeps_the_most_recently_used_blocks() -> None:
    memory = HighlightMemory(size=2)
    memory.put("a", "<a>")
    memory.put("b", "<b>")
    assert memory.get("a") == "<a>"  # a is now the most recent
    memory.put("c", "<c>")
    assert memory.get("b") is None and memory.get("a") == "<a>" and memory.get("c") == "<c>"
    assert len(memory) == 2 and memory.hits == 3
