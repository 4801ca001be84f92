"""Markup that a simpler parser reads one way and a browser another (issue 28): shared by the security tests,
which feed it to the judge and the real build, and the browser test, which loads it in Chromium.

Every payload, where it runs, calls `window.__pwned` into being with its own name, so a browser test can tell
which one ran. `{run}` stands for that script.
"""

from __future__ import annotations

from dataclasses import dataclass

# No spaces, no quotes: it fits in a double- or single-quoted attribute, and in one inside another's value.
RUN = "window.__pwned=(window.__pwned||[]).concat(`{name}`)"

# The issue's page-body cases, each reproduced in Chromium against main: (name, markup).
ISSUE_BODIES = [
    ("comment-short", "<!--><img src=x alt=\"\" onerror=\"{run}\">-->"),
    ("comment-dash", "<!---><img src=x alt=\"\" onerror=\"{run}\">-->"),
    ("svg-style", "<svg><style><img src=x alt=\"\" onerror=\"{run}\"></style></svg>"),
    ("math-style", "<math><style><img src=x alt=\"\" onerror=\"{run}\"></style></math>"),
    ("noscript-title", "<noscript><p title=\"</noscript><img src=x alt='' onerror='{run}'>\"></noscript>"),
    # Runs when the link is followed: the browser test clicks #pp-click once the animation has frozen on its
    # last value.
    ("animate-values", "<svg width=\"300\" height=\"40\"><a><animate attributeName=\"href\" dur=\"0.2s\" "
                       "fill=\"freeze\" calcMode=\"discrete\" values=\"https://a.example/;javascript:{run}\"/>"
                       "<text id=\"pp-click\" x=\"5\" y=\"30\">Tap here</text></a></svg>"),
]

# Every element the HTML standard parses as raw text or escapable raw text, and every way into foreign content
# (SVG and MathML, their HTML integration points and text integration points), plus the elements whose parsing
# browsers changed lately (<select>) or that keep content out of the tree (<template>).
RAW_TEXT = ["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]
ESCAPABLE_RAW_TEXT = ["textarea", "title"]
FOREIGN_PATHS = [
    ["svg"], ["math"], ["svg", "style"], ["svg", "foreignObject"], ["svg", "desc"], ["svg", "title"],
    ["svg", "script"], ["svg", "text"], ["math", "style"], ["math", "mtext"], ["math", "mi"], ["math", "mo"],
    ["math", "mn"], ["math", "ms"], ["math", "annotation-xml"], ["math", "mtext", "table", "mglyph", "style"],
    ["math", "mi", "mglyph"], ["math", "mi", "malignmark"], ["select"], ["select", "option"], ["template"],
    ["table"], ["table", "caption"], ["svg", "title", "textarea"], ["noscript", "style"], ["object"],
]


@dataclass(frozen=True)
class Payload:
    name: str
    markup: str  # with the script in it


SQ = "'"


def _img(name: str, quote: str = '"') -> str:
    return f"<img src=x alt={quote}{quote} onerror={quote}{RUN.format(name=name)}{quote}>"


def family() -> list[Payload]:
    """Each raw-text, escapable raw-text and foreign-content element, one by one, in the ways a handler can
    hide behind it: inside it, after its end tag written inside an attribute or a comment, and after it."""
    out: list[Payload] = []
    for element in RAW_TEXT + ESCAPABLE_RAW_TEXT:
        out += [
            Payload(f"{element}-inside", f"<{element}>{_img(element + '-inside')}</{element}>"),
            Payload(f"{element}-title",
                    f'<{element}><p title="</{element}>{_img(element + "-title", SQ)}"></{element}>'),
            Payload(f"{element}-comment", f"<{element}><!--</{element}>{_img(element + '-comment')}--></{element}>"),
            Payload(f"{element}-after", f"<{element}>x</{element}>{_img(element + '-after')}"),
        ]
    for path in FOREIGN_PATHS:
        name = "-".join(path)
        opened = "".join(f"<{tag}>" for tag in path)
        closed = "".join(f"</{tag}>" for tag in reversed(path))
        out += [
            Payload(f"{name}-inside", opened + _img(name + "-inside") + closed),
            Payload(f"{name}-style", f"{opened}<style>{_img(name + '-style')}</style>{closed}"),
            Payload(f"{name}-comment", f"{opened}<!--</{path[-1]}>{_img(name + '-comment')}-->{closed}"),
            Payload(f"{name}-cdata", f"{opened}<![CDATA[</{path[-1]}>{_img(name + '-cdata')}]]>{closed}"),
            Payload(f"{name}-title", f'{opened}<p title="</{path[-1]}>{_img(name + "-title", SQ)}">{closed}'),
        ]
    return out


def issue_bodies() -> list[Payload]:
    return [Payload(name, markup.replace("{run}", RUN.format(name=name))) for name, markup in ISSUE_BODIES]
