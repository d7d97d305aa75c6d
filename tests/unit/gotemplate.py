"""A strict reader of the Go-template subset our Helm chart uses, so tests can render it.

Supports `{{ pipeline }}`, `if`/`else`/`end`, `range [$x :=] pipeline`, trim markers, and
the functions eq, ne, not, quote, default, printf, toYaml, nindent, indent. Anything else,
or a value that is not in the values, raises: the chart must stay inside what is tested.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.DOTALL)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+')


class TemplateError(ValueError):
    """The template uses something this reader does not know, or names a missing value."""


def _printf(form: str, *args: Any) -> str:
    return re.sub(r"%[vsd]", "%s", form) % tuple(_text(a) for a in args)


def _indent(width: int, text: str) -> str:
    return "\n".join(" " * width + line if line else line for line in str(text).split("\n"))


FUNCTIONS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "not": lambda a: not a,
    "quote": lambda v: json.dumps(_text(v)),
    "default": lambda fallback, v: v if v else fallback,
    "printf": _printf,
    "toYaml": lambda v: yaml.safe_dump(v, default_flow_style=False, sort_keys=False).rstrip(),
    "nindent": lambda width, text: "\n" + _indent(width, text),
    "indent": _indent,
}


def _text(value: Any) -> str:
    if value is None:
        raise TemplateError("rendering a missing value")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse(template: str) -> list[Any]:
    """Text and actions as a tree: str, ("out", expr), ("if", expr, then, else),
    ("range", var, expr, body)."""
    pieces: list[Any] = []
    position = 0
    for match in _ACTION.finditer(template):
        text = template[position:match.start()]
        if match.group(1):
            text = text.rstrip()
        if pieces and isinstance(pieces[-1], tuple) and pieces[-1][0] == "trim":
            text = text.lstrip()
            pieces.pop()
        pieces.append(text)
        pieces.append(("action", match.group(2)))
        if match.group(3):
            pieces.append(("trim",))
        position = match.end()
    tail = template[position:]
    if pieces and isinstance(pieces[-1], tuple) and pieces[-1][0] == "trim":
        tail = tail.lstrip()
        pieces.pop()
    pieces.append(tail)
    tree, rest = _block(pieces, 0, ())
    if rest != len(pieces):
        raise TemplateError("an {{ end }} or {{ else }} without its block")
    return tree


def _block(pieces: list[Any], i: int, stops: tuple[str, ...]) -> tuple[list[Any], int]:
    nodes: list[Any] = []
    while i < len(pieces):
        piece = pieces[i]
        if isinstance(piece, str):
            nodes.append(piece)
            i += 1
            continue
        action = piece[1]
        word = action.split(None, 1)[0] if action else ""
        if word in stops:
            return nodes, i
        if action.startswith("/*"):
            i += 1
        elif word == "if":
            then, i = _block(pieces, i + 1, ("else", "end"))
            other: list[Any] = []
            if pieces[i][1] == "else":
                other, i = _block(pieces, i + 1, ("end",))
            nodes.append(("if", action[2:].strip(), then, other))
            i += 1
        elif word == "range":
            head = action[5:].strip()
            var = None
            if ":=" in head:
                var, head = (part.strip() for part in head.split(":=", 1))
            body, i = _block(pieces, i + 1, ("end",))
            nodes.append(("range", var, head, body))
            i += 1
        elif word in ("else", "end", "with", "define", "include", "template", "block"):
            raise TemplateError(f"unsupported or misplaced action {{{{ {action} }}}}")
        else:
            nodes.append(("out", action))
            i += 1
    if stops:
        raise TemplateError(f"missing {{{{ end }}}} (expected one of {stops})")
    return nodes, i


def _tokens(text: str) -> list[Any]:
    stack: list[list[Any]] = [[]]
    for token in _TOKEN.findall(text):
        if token == "(":
            stack.append([])
        elif token == ")":
            inner = stack.pop()
            stack[-1].append(inner)
        else:
            stack[-1].append(token)
    if len(stack) != 1:
        raise TemplateError(f"unbalanced parentheses in {text!r}")
    return stack[0]


def _lookup(value: Any, path: list[str], name: str) -> Any:
    for key in path:
        if not isinstance(value, dict) or key not in value:
            raise TemplateError(f"{name}: no {key!r} there")
        value = value[key]
    return value


class _Scope:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.variables: dict[str, Any] = {"$": root}

    def term(self, token: Any, dot: Any) -> Any:
        if isinstance(token, list):
            return self.pipeline(token, dot)
        if token.startswith('"'):
            return json.loads(token)
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        if token in ("true", "false"):
            return token == "true"
        if token == ".":
            return dot
        if token.startswith("."):
            return _lookup(dot, token[1:].split("."), token)
        if token.startswith("$"):
            name, _, rest = token.partition(".")
            if name not in self.variables:
                raise TemplateError(f"unknown variable {name}")
            return _lookup(self.variables[name], rest.split(".") if rest else [], token)
        raise TemplateError(f"cannot read {token!r}")

    def pipeline(self, tokens: list[Any], dot: Any) -> Any:
        commands: list[list[Any]] = [[]]
        for token in tokens:
            if token == "|":
                commands.append([])
            else:
                commands[-1].append(token)
        value: Any = None
        for n, command in enumerate(commands):
            head, args = command[0], command[1:]
            if isinstance(head, str) and re.fullmatch(r"[A-Za-z]\w*", head) and head not in (
                    "true", "false"):
                if head not in FUNCTIONS:
                    raise TemplateError(f"unsupported function {head!r}")
                values = [self.term(a, dot) for a in args] + ([value] if n else [])
                value = FUNCTIONS[head](*values)
            elif args or n:
                raise TemplateError(f"{command!r} is not a function call")
            else:
                value = self.term(head, dot)
        return value

    def render(self, nodes: list[Any], dot: Any) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif node[0] == "out":
                out.append(_text(self.pipeline(_tokens(node[1]), dot)))
            elif node[0] == "if":
                chosen = node[2] if self.pipeline(_tokens(node[1]), dot) else node[3]
                out.append(self.render(chosen, dot))
            else:
                _, var, head, body = node
                items = self.pipeline(_tokens(head), dot)
                if isinstance(items, dict):
                    items = [items[key] for key in sorted(items)]
                for item in items or []:
                    if var is not None:
                        self.variables[var] = item
                    out.append(self.render(body, item))
        return "".join(out)


def render(template: str, root: dict[str, Any]) -> str:
    """The template rendered with root (`.Values`, `.Release`, `.Chart`)."""
    return _Scope(root).render(_parse(template), root)
