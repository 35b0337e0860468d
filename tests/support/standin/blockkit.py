"""Block Kit rules Slack enforces on messages, modals and Home tabs.

Limits come from docs.slack.dev's block reference (the same numbers slack_sdk's models check).
A problem is reported the way Slack words it, ``must be less than 3001 characters
[json-pointer:/blocks/0/text/text]``, so a failing test reads like the real API answer.
Only the first problem is reported; Slack may list several.
"""

from __future__ import annotations

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3000
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL_LENGTH = 3000
ID_LENGTH = 255  # action_id, block_id, callback_id, external_id
LABEL_TEXT = 2000  # input label and hint, image alt_text and title
VIEW_TEXT = 24  # modal title, submit, close
PRIVATE_METADATA = 3000

SELECTS = {
    f"{multi}{kind}_select"
    for multi in ("", "multi_")
    for kind in ("static", "external", "users", "conversations", "channels")
}
ACTION_ELEMENTS = SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "overflow",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "workflow_button",
}
ACCESSORY_ELEMENTS = (ACTION_ELEMENTS - {"datetimepicker", "rich_text_input"}) | {"image"}
INPUT_ELEMENTS = (ACTION_ELEMENTS - {"button", "overflow", "workflow_button"}) | {
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "url_text_input",
}


class Invalid(ValueError):
    """What Slack would say about a block, with the JSON pointer to the offending value."""

    def __init__(self, problem: str, pointer: str):
        super().__init__(f"{problem} [json-pointer:{pointer}]")


def check_blocks(blocks, *, limit: int = MESSAGE_BLOCKS, at: str = "/blocks") -> None:
    """A message's (or view's) ``blocks``; block_ids must be unique among them."""
    if not isinstance(blocks, list):
        raise Invalid("must provide an array", at)
    if len(blocks) > limit:
        raise Invalid(f"no more than {limit} items allowed", at)
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{at}/{i}"
        if not isinstance(block, dict) or block.get("type") not in _BLOCKS:
            raise Invalid("failed to match all allowed schemas", here)
        if "block_id" in block:
            block_id = _string(block, "block_id", here, ID_LENGTH)
            if block_id in seen:
                raise Invalid(f"duplicate block_id {block_id!r}", f"{here}/block_id")
            seen.add(block_id)
        _BLOCKS[block["type"]](block, here)


def check_view(view, *, home: bool = False, at: str = "/view") -> None:
    """A modal (views.open/push/update) or a Home tab (views.publish)."""
    if not isinstance(view, dict):
        raise Invalid("must provide an object", at)
    if view.get("type") != ("home" if home else "modal"):
        raise Invalid("must be a valid enum value", f"{at}/type")
    check_blocks(view.get("blocks"), limit=VIEW_BLOCKS, at=f"{at}/blocks")
    if not home:
        _text(view, "title", at, VIEW_TEXT, plain=True)
        needs_submit = any(b.get("type") == "input" for b in view["blocks"])
        _text(view, "submit", at, VIEW_TEXT, plain=True, required=needs_submit)
        _text(view, "close", at, VIEW_TEXT, plain=True, required=False)
    for key, limit in (("private_metadata", PRIVATE_METADATA), ("callback_id", ID_LENGTH), ("external_id", ID_LENGTH)):
        if key in view:
            _string(view, key, at, limit, empty_ok=True)


def _string(parent: dict, key: str, at: str, limit: int, *, empty_ok: bool = False) -> str:
    value = parent[key]
    if not isinstance(value, str):
        raise Invalid("must be a string", f"{at}/{key}")
    if not value and not empty_ok:
        raise Invalid("must be more than 0 characters", f"{at}/{key}")
    if len(value) > limit:
        raise Invalid(f"must be less than {limit + 1} characters", f"{at}/{key}")
    return value


def _text(parent: dict, key: str, at: str, limit: int, *, plain: bool = False, required: bool = True) -> None:
    """The text object under ``key``, if there (or required)."""
    if key not in parent:
        if required:
            raise Invalid(f"missing required field: {key}", at)
        return
    _text_object(parent[key], f"{at}/{key}", limit, plain=plain)


def _text_object(obj, here: str, limit: int, *, plain: bool = False) -> None:
    """``type`` plain_text (or mrkdwn where allowed) and a non-empty ``text`` within ``limit``."""
    if not isinstance(obj, dict):
        raise Invalid("must provide an object", here)
    if obj.get("type") not in ({"plain_text"} if plain else {"plain_text", "mrkdwn"}):
        raise Invalid("must be a valid enum value", f"{here}/type")
    if "text" not in obj:
        raise Invalid("missing required field: text", here)
    _string(obj, "text", here, limit)


def _items(block: dict, key: str, at: str, limit: int) -> list:
    items = block.get(key)
    if not isinstance(items, list) or not items:
        raise Invalid("must provide a non-empty array", f"{at}/{key}")
    if len(items) > limit:
        raise Invalid(f"no more than {limit} items allowed", f"{at}/{key}")
    return items


def _element(element, at: str, allowed: set[str]) -> None:
    if not isinstance(element, dict) or element.get("type") not in allowed:
        raise Invalid("failed to match all allowed schemas", at)
    if "action_id" in element:
        _string(element, "action_id", at, ID_LENGTH)
    if element["type"] == "button":
        _text(element, "text", at, BUTTON_TEXT, plain=True)
        for key, limit in (("value", BUTTON_VALUE), ("url", URL_LENGTH)):
            if key in element:
                _string(element, key, at, limit)
        if element.get("style", "primary") not in {"primary", "danger"}:
            raise Invalid("must be a valid enum value", f"{at}/style")
    elif element["type"] == "image":
        _image(element, at)


def _image(image: dict, at: str) -> None:
    if "image_url" in image:
        _string(image, "image_url", at, URL_LENGTH)
    elif "slack_file" not in image:
        raise Invalid("missing required field: image_url", at)
    if "alt_text" not in image:
        raise Invalid("missing required field: alt_text", at)
    _string(image, "alt_text", at, LABEL_TEXT)


def _section(block: dict, at: str) -> None:
    if "text" not in block and "fields" not in block:
        raise Invalid("must provide either text or fields", at)
    _text(block, "text", at, SECTION_TEXT, required=False)
    if "fields" in block:
        for i, field in enumerate(_items(block, "fields", at, SECTION_FIELDS)):
            _text_object(field, f"{at}/fields/{i}", FIELD_TEXT)
    if "accessory" in block:
        _element(block["accessory"], f"{at}/accessory", ACCESSORY_ELEMENTS)


def _header(block: dict, at: str) -> None:
    _text(block, "text", at, HEADER_TEXT, plain=True)


def _context(block: dict, at: str) -> None:
    for i, element in enumerate(_items(block, "elements", at, CONTEXT_ELEMENTS)):
        if isinstance(element, dict) and element.get("type") == "image":
            _image(element, f"{at}/elements/{i}")
        else:
            _text_object(element, f"{at}/elements/{i}", CONTEXT_TEXT)


def _actions(block: dict, at: str) -> None:
    """Its elements, whose action_ids must differ from one another ("unique among ... the containing block")."""
    seen: set[str] = set()
    for i, element in enumerate(_items(block, "elements", at, ACTIONS_ELEMENTS)):
        _element(element, f"{at}/elements/{i}", ACTION_ELEMENTS)
        action_id = element.get("action_id")
        if action_id is not None and action_id in seen:
            raise Invalid(f"duplicate action_id {action_id!r}", f"{at}/elements/{i}/action_id")
        seen.add(action_id)


def _input(block: dict, at: str) -> None:
    _text(block, "label", at, LABEL_TEXT, plain=True)
    _text(block, "hint", at, LABEL_TEXT, plain=True, required=False)
    if "element" not in block:
        raise Invalid("missing required field: element", at)
    _element(block["element"], f"{at}/element", INPUT_ELEMENTS)


def _image_block(block: dict, at: str) -> None:
    _image(block, at)
    _text(block, "title", at, LABEL_TEXT, plain=True, required=False)


def _rich_text(block: dict, at: str) -> None:
    if not isinstance(block.get("elements"), list):
        raise Invalid("must provide an array", f"{at}/elements")


def _divider(block: dict, at: str) -> None:
    """Nothing to check beyond its type and block_id."""


_BLOCKS = {
    "section": _section,
    "header": _header,
    "context": _context,
    "actions": _actions,
    "divider": _divider,
    "image": _image_block,
    "input": _input,
    "rich_text": _rich_text,
}
