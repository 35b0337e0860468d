"""Block Kit limits as Slack enforces them (docs.slack.dev block reference; slack_sdk models)."""

from __future__ import annotations

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LENGTH = 255
VIEW_TITLE = 24
PRIVATE_METADATA = 3000
KNOWN = {"section", "header", "context", "actions", "divider", "image", "input", "rich_text"}


class Invalid(ValueError):
    """Why Slack would answer ``invalid_blocks``."""


def _text(obj, where: str, limit: int, *, plain_only: bool = False) -> None:
    if not isinstance(obj, dict) or obj.get("type") not in {"mrkdwn", "plain_text"}:
        raise Invalid(f"{where}: text object needs type mrkdwn or plain_text")
    if plain_only and obj["type"] != "plain_text":
        raise Invalid(f"{where}: must be plain_text")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        raise Invalid(f"{where}: text must be a non-empty string")
    if len(text) > limit:
        raise Invalid(f"{where}: text longer than {limit} characters")


def _element(element: dict, where: str) -> None:
    if len(element.get("action_id", "")) > ID_LENGTH:
        raise Invalid(f"{where}: action_id longer than {ID_LENGTH}")
    if element.get("type") == "button":
        _text(element.get("text"), f"{where}.text", BUTTON_TEXT, plain_only=True)
        if len(element.get("value", "")) > BUTTON_VALUE:
            raise Invalid(f"{where}: button value longer than {BUTTON_VALUE}")


def validate_blocks(blocks, *, limit: int = MESSAGE_BLOCKS) -> None:
    if not isinstance(blocks, list):
        raise Invalid("blocks must be an array")
    if len(blocks) > limit:
        raise Invalid(f"more than {limit} blocks")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in KNOWN:
            raise Invalid(f"{where}: unknown block type {kind!r}")
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > ID_LENGTH or block_id in seen:
                raise Invalid(f"{where}: block_id too long or repeated")
            seen.add(block_id)
        if kind == "section":
            if "text" not in block and "fields" not in block:
                raise Invalid(f"{where}: section needs text or fields")
            if "text" in block:
                _text(block["text"], f"{where}.text", SECTION_TEXT)
            fields = block.get("fields", [])
            if len(fields) > FIELDS:
                raise Invalid(f"{where}: more than {FIELDS} fields")
            for j, field in enumerate(fields):
                _text(field, f"{where}.fields[{j}]", FIELD_TEXT)
            if "accessory" in block:
                _element(block["accessory"], f"{where}.accessory")
        elif kind == "header":
            _text(block.get("text"), f"{where}.text", HEADER_TEXT, plain_only=True)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > CONTEXT_ELEMENTS:
                raise Invalid(f"{where}: context needs 1 to {CONTEXT_ELEMENTS} elements")
            for j, element in enumerate(elements):
                if element.get("type") != "image":
                    _text(element, f"{where}.elements[{j}]", SECTION_TEXT)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > ACTIONS_ELEMENTS:
                raise Invalid(f"{where}: actions needs 1 to {ACTIONS_ELEMENTS} elements")
            for j, element in enumerate(elements):
                _element(element, f"{where}.elements[{j}]")


def validate_view(view) -> None:
    if not isinstance(view, dict) or view.get("type") not in {"modal", "home"}:
        raise Invalid("view type must be modal or home")
    validate_blocks(view.get("blocks", []), limit=VIEW_BLOCKS)
    for name in ("title", "submit", "close"):
        if name in view:
            _text(view[name], f"view.{name}", VIEW_TITLE, plain_only=True)
    if view["type"] == "modal" and "title" not in view:
        raise Invalid("a modal needs a title")
    if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
        raise Invalid(f"private_metadata longer than {PRIVATE_METADATA}")
    if len(view.get("callback_id", "")) > ID_LENGTH:
        raise Invalid(f"callback_id longer than {ID_LENGTH}")
