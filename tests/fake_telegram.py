"""In-process fake of the Telegram Bot API for end-to-end tests.

Why: bot tests run the *real* python-telegram-bot ``Application`` with long polling against this
server, so handlers, filters, the rate limiter and PTB's JSON parsing all run for real, while the
test acts as Telegram users (sends text, presses inline buttons) and reads what the bot produced.
The server enforces the limits that bite in production (text/caption length, 64-byte callback
data, HTML entity parsing, "message is not modified", unknown chats, blocked users, flood
control) with Telegram's own descriptions, so a bot fails here for the reasons it would fail on
api.telegram.org. Everything runs in the test's event loop; waiting uses one asyncio.Condition.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import itertools
import json
import re
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partialmethod
from typing import Any, Self

from aiohttp import web

TOKEN = "123456:TEST"
Params = dict[str, Any]
ENTITY_TYPES = {  # the HTML tags Telegram accepts, and the entity each one becomes
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "a": "text_link", "code": "code", "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji"}
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>")
_ATTR_RE = re.compile(r"""([\w-]+)(?:\s*=\s*["']([^"']*)["'])?""")
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")


_STATUS_TEXT = {409: "Conflict: terminated by other getUpdates request; make sure that only one "
                     "bot instance is running", 429: "Too Many Requests: retry after {}",
                502: "Bad Gateway", 500: "Internal Server Error", 503: "Service Unavailable",
                403: "Forbidden: bot was blocked by the user"}


@dataclass
class Fault:
    """One injected failure of one API call (see `FakeTelegram.fault`)."""

    status: int | None
    retry_after: float | None  # Telegram's are whole seconds; tests may use a fraction
    delay: float
    drop: bool
    description: str | None


class ApiError(Exception):
    """A Telegram error answer, raised by method handlers and rendered by the dispatcher."""

    def __init__(self, code: int, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def _compact(d: Params) -> Params:
    return {k: v for k, v in d.items() if v is not None}


@dataclass
class FakeUser:
    """A Telegram user with a private chat to the bot (chat id == user id, as on Telegram)."""

    id: int
    first_name: str = "Test"
    language_code: str | None = "fi"
    username: str | None = None

    def to_api(self) -> Params:
        return _compact({"id": self.id, "is_bot": False, "first_name": self.first_name,
                         "username": self.username, "language_code": self.language_code})

    def chat(self) -> Params:
        return _compact({"id": self.id, "type": "private", "first_name": self.first_name,
                         "username": self.username})


@dataclass
class BotMessage:
    """A message the bot produced. ``text``/``caption`` are exactly what the bot sent (markup
    included; ``plain`` is what the user sees). ``document`` holds the uploaded bytes of a
    document *or* photo. Records from ``next_reply``/``replies`` are snapshots."""

    message_id: int
    chat_id: int
    kind: str = "text"  # "text" | "photo" | "document"
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: Params | None = None
    document: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    edited: int = 0
    date: int = 0
    edit_date: int | None = None

    @property
    def content(self) -> str:
        return (self.text if self.kind == "text" else self.caption) or ""

    @property
    def plain(self) -> str:
        return render(self.content, self.parse_mode)[0]

    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline keyboard as ``(text, callback_data)``, row by row (URL buttons give None)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    def button_texts(self) -> list[str]:
        return [text for text, _ in self.buttons()]


@dataclass
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


def parse_html(text: str) -> tuple[str, list[Params]]:
    """Parse like Telegram's HTML mode: reject stray ``<`` and unknown or unbalanced tags, and
    return the visible text plus its entities (UTF-16 offsets). Telegram hands messages back in
    this form, so e.g. PTB's ``Message.text_html`` round-trips as it does in production."""
    stack: list[tuple[str, int, dict[str, str]]] = []  # open tag, UTF-16 start, attributes
    out: list[str] = []
    entities: list[Params] = []
    pos = size = 0
    while (lt := text.find("<", pos)) != -1:
        out.append(html.unescape(text[pos:lt]))
        size += len(out[-1].encode("utf-16-le")) // 2
        at = f"at byte offset {len(text[:lt].encode())}"
        if (m := _TAG_RE.match(text, lt)) is None:
            raise _entities(f"Unexpected end of name token {at}")
        name = m.group(2).lower()
        if name not in ENTITY_TYPES:
            raise _entities(f'Unsupported start tag "{name}" {at}')
        if not m.group(1):
            stack.append((name, size, dict(_ATTR_RE.findall(m.group(3) or ""))))
        elif not stack:
            raise _entities(f"Unexpected end tag {at}")
        elif stack[-1][0] != name:
            raise _entities(f'Unmatched end tag {at}, expected "</{stack[-1][0]}>", found '
                            f'"</{name}>"')
        elif (opened := stack.pop())[1] < size:  # Telegram drops empty entities
            entities.append(_entity(name, opened[1], size - opened[1], opened[2]))
        pos = m.end()
    if stack:
        raise _entities(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    out.append(html.unescape(text[pos:]))
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _entity(tag: str, offset: int, length: int, attrs: dict[str, str]) -> Params:
    entity: Params = {"type": ENTITY_TYPES[tag], "offset": offset, "length": length}
    if tag == "a":
        entity["url"] = html.unescape(attrs.get("href", ""))
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def render(text: str, parse_mode: str | None) -> tuple[str, list[Params]]:
    """Visible text and entities. Only HTML is parsed; Markdown passes through unchecked."""
    return parse_html(text) if (parse_mode or "").upper() == "HTML" else (text, [])


def _entities(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def _obj(value: Any) -> Any:
    """PTB form-encodes non-string values as JSON strings; JSON bodies arrive decoded."""
    return json.loads(value) if isinstance(value, str) else value


def _check(text: Any, parse_mode: str | None, markup: Params | None, caption: bool) -> None:
    """Telegram's content limits, with its error descriptions."""
    shown = render(str(text or ""), parse_mode)[0]  # limits apply to the visible text
    if caption and len(shown) > 1024:
        raise ApiError(400, "Bad Request: message caption is too long")
    if not caption and not shown.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if not caption and len(shown) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    for row in (markup or {}).get("inline_keyboard", []):
        if any(len(str(b.get("callback_data", "")).encode()) > 64 for b in row):
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _uid(user: FakeUser | int) -> int:
    return user.id if isinstance(user, FakeUser) else int(user)


class FakeTelegram:
    """The fake Bot API server plus the user-side helpers tests drive it with."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.bot_user: Params = {
            "id": int(token.split(":")[0]), "is_bot": True, "first_name": "Kotobot",
            "username": "kotobot_test_bot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.base_url = self.base_file_url = ""
        self.calls: list[tuple[str, Params]] = []  # every API call (lower-case name), for asserts
        self.chat_actions: dict[int, list[str]] = defaultdict(list)
        self.callback_answers: dict[int, list[CallbackAnswer]] = defaultdict(list)
        self._cond = asyncio.Condition()
        self._users: dict[int, FakeUser] = {}
        self._blocked: set[int] = set()
        self._limits: dict[int, list[int]] = {}  # chat -> [retry_after, remaining]
        self._updates: list[Params] = []  # not yet confirmed through getUpdates' offset
        self._allowed: set[str] | None = None
        self._seq = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._messages: dict[int, dict[int, BotMessage]] = defaultdict(dict)
        self._outbox: dict[int, list[BotMessage]] = defaultdict(list)
        self._read: dict[tuple[str, int], int] = defaultdict(int)  # consumed outbox/answers
        self._queries: dict[str, int] = {}  # unanswered callback query id -> user id
        self._files: dict[str, tuple[bytes, str | None, str | None]] = {}
        self._commands: dict[tuple[str, str], list[Params]] = {}
        self._poll_gen = self._waiting = self._activity = 0
        self._faults: dict[str, list[Fault]] = defaultdict(list)  # method -> faults, in order
        self.confirmed: set[int] = set()  # update ids the bot confirmed through an offset
        self._closing = False
        self._runner: web.AppRunner | None = None

    # ---- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Serve on 127.0.0.1 at a free port; sets ``base_url`` and ``base_file_url`` (where the
        bot downloads files users sent, after getFile)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        root = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.base_url, self.base_file_url = f"{root}/bot", f"{root}/file/bot"

    async def stop(self) -> None:
        """Release waiting long polls (they answer ``[]``) and shut the server down."""
        async with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- HTTP plumbing -----------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        name = request.match_info["method"].lower()  # Telegram method names ignore case
        handler = getattr(self, f"_m_{name}", None)
        fault = self._faults[name].pop(0) if self._faults.get(name) else None
        if fault is not None:
            self.calls.append((f"fault:{name}", dataclasses.asdict(fault)))
            if fault.drop:  # the connection goes before Telegram did anything
                assert request.transport is not None
                request.transport.abort()
                return web.Response(status=500)
            if fault.delay:  # Telegram does it, but answers after the client gave up
                await asyncio.sleep(fault.delay)
        try:
            if fault is not None and fault.status is not None:
                text = _STATUS_TEXT.get(fault.status, "Internal Server Error")
                raise ApiError(fault.status, fault.description or text.format(fault.retry_after),
                               retry_after=fault.retry_after)
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            params: Params = dict(request.query)
            if request.content_type == "application/json" and request.can_read_body:
                params.update(await request.json())
            elif request.content_type in ("multipart/form-data",
                                          "application/x-www-form-urlencoded"):
                for key, v in (await request.post()).items():  # uploads become 3-tuples
                    params[key] = (v.file.read(), v.filename, v.content_type) \
                        if isinstance(v, web.FileField) else v
            self.calls.append((name, params))
            if name == "getupdates":  # the only async method; it takes the lock itself
                result = await handler(params)
            else:
                async with self._cond:  # serialise state changes, then wake every waiter
                    self._activity += 1
                    result = handler(params)
                    self._cond.notify_all()
        except ApiError as e:
            body = {"ok": False, "error_code": e.code, "description": e.description}
            if e.retry_after is not None:
                body["parameters"] = {"retry_after": e.retry_after}
            return web.json_response(body, status=e.code)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        """A file a user sent, fetched by the bot at the ``file_path`` getFile gave it."""
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if request.match_info["token"] != self.token or file_id not in self._files:
            return web.Response(status=404, text="Not Found")
        self.calls.append(("download", {"file_id": file_id}))
        return web.Response(body=self._files[file_id][0])

    def _target(self, p: Params, *, blockable: bool = True, throttled: bool = True) -> int:
        """Resolve chat_id, applying unknown-chat, blocked-user and flood-control failures."""
        try:
            chat = int(p["chat_id"])
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat not in self._users:
            raise ApiError(400, "Bad Request: chat not found")
        if blockable and chat in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if throttled and (limit := self._limits.get(chat)) and limit[1] > 0:
            limit[1] -= 1
            raise ApiError(429, f"Too Many Requests: retry after {limit[0]}", retry_after=limit[0])
        return chat

    def _message_json(self, rec: BotMessage) -> Params:
        """A bot message as Telegram returns it: visible text plus entities, no markup."""
        d: Params = {"message_id": rec.message_id, "from": self.bot_user, "date": rec.date,
                     "chat": self._users[rec.chat_id].chat(), "edit_date": rec.edit_date}
        plain, entities = render(rec.content, rec.parse_mode)
        d["text" if rec.kind == "text" else "caption"] = plain or None
        d["entities" if rec.kind == "text" else "caption_entities"] = entities or None
        meta = {"file_id": rec.file_id, "file_unique_id": f"u{rec.file_id}",
                "file_size": len(rec.document or b"")}
        if rec.kind == "photo":
            d["photo"] = [{**meta, "width": 1, "height": 1}]
        elif rec.kind == "document":
            d["document"] = _compact({**meta, "file_name": rec.filename,
                                      "mime_type": rec.mime_type})
        if rec.reply_markup and "inline_keyboard" in rec.reply_markup:
            d["reply_markup"] = rec.reply_markup
        return _compact(d)

    def _record(self, rec: BotMessage, *, edit: bool = False) -> Params:
        """Store a new or edited message and publish a snapshot to the chat's reply stream."""
        if edit:
            rec.edited += 1
            rec.edit_date = int(time.time())
        self._messages[rec.chat_id][rec.message_id] = rec
        self._outbox[rec.chat_id].append(dataclasses.replace(rec))
        return self._message_json(rec)

    def _find(self, p: Params, action: str) -> BotMessage:
        if "inline_message_id" in p:
            raise ApiError(400, "Bad Request: inline messages are not supported by FakeTelegram")
        chat = self._target(p, blockable=False, throttled=action == "edit")
        if (rec := self._messages[chat].get(int(p.get("message_id") or 0))) is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        return rec

    async def _m_getupdates(self, p: Params) -> list[Params]:
        """Long poll: confirm updates below ``offset``, answer at once if any are pending, else
        wait up to ``timeout``. A newer poll ends an older one with 409, as Telegram does."""
        async with self._cond:
            self._poll_gen += 1
            gen = self._poll_gen
            if p.get("allowed_updates") is not None:
                self._allowed = set(_obj(p["allowed_updates"])) or None
            offset = int(p.get("offset") or 0)
            if offset > 0:
                self.confirmed.update(u["update_id"] for u in self._updates
                                      if u["update_id"] < offset)
            self._updates = [u for u in self._updates[min(offset, 0) or None:]
                             if u["update_id"] >= offset and self._wanted(u)]
            self._waiting += 1
            self._cond.notify_all()
            try:
                async with asyncio.timeout(float(p.get("timeout") or 0)):
                    await self._cond.wait_for(
                        lambda: bool(self._updates) or self._closing or gen != self._poll_gen)
            except TimeoutError:
                pass
            finally:
                self._waiting -= 1
            if gen != self._poll_gen and not self._closing:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running")
            return [] if self._closing else self._updates[: int(p.get("limit") or 100)]

    def _wanted(self, update: Params) -> bool:
        kind = next(k for k in update if k != "update_id")
        return kind not in OPT_IN_UPDATES if self._allowed is None else kind in self._allowed

    # ---- Bot API methods (synchronous; run under the condition's lock) ------------------------
    def _m_getme(self, p: Params) -> Any:
        return self.bot_user

    def _m_deletewebhook(self, p: Params) -> Any:
        if str(p.get("drop_pending_updates")).lower() in ("true", "1"):
            self._updates.clear()
        return True

    def _m_logout(self, p: Params) -> Any:
        return True

    _m_close = _m_logout

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = _obj(p.get("scope")) or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.get("language_code") or ""

    def _m_setmycommands(self, p: Params) -> Any:
        commands = _obj(p.get("commands")) or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(p)] = commands
        return True

    def _m_getmycommands(self, p: Params) -> Any:
        return self._commands.get(self._commands_key(p), [])

    def _m_deletemycommands(self, p: Params) -> Any:
        self._commands.pop(self._commands_key(p), None)
        return True

    def _m_sendmessage(self, p: Params) -> Any:
        chat, markup = self._target(p), _obj(p.get("reply_markup"))
        _check(p.get("text"), p.get("parse_mode"), markup, caption=False)
        return self._record(BotMessage(next(self._msg_ids[chat]), chat, "text", p["text"],
                                       parse_mode=p.get("parse_mode"), reply_markup=markup,
                                       date=int(time.time())))

    def _m_editmessagetext(self, p: Params) -> Any:
        rec, markup = self._find(p, "edit"), _obj(p.get("reply_markup"))
        if rec.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        _check(p.get("text"), p.get("parse_mode"), markup, caption=False)
        if (p["text"], markup) == (rec.text, rec.reply_markup):  # no markup = keyboard removed
            raise ApiError(400, NOT_MODIFIED)
        rec.text, rec.parse_mode, rec.reply_markup = p["text"], p.get("parse_mode"), markup
        return self._record(rec, edit=True)

    def _m_editmessagereplymarkup(self, p: Params) -> Any:
        rec, markup = self._find(p, "edit"), _obj(p.get("reply_markup"))
        _check(None, None, markup, caption=True)
        if markup == rec.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        rec.reply_markup = markup
        return self._record(rec, edit=True)

    def _m_deletemessage(self, p: Params) -> Any:
        rec = self._find(p, "delete")
        return self._messages[rec.chat_id].pop(rec.message_id) is not None

    def _m_answercallbackquery(self, p: Params) -> Any:
        query_id = str(p.get("callback_query_id"))
        if (user_id := self._queries.pop(query_id, None)) is None:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
        alert = str(p.get("show_alert")).lower() in ("true", "1")
        self.callback_answers[user_id].append(
            CallbackAnswer(query_id, p.get("text"), alert, p.get("url")))
        return True

    def _m_sendchataction(self, p: Params) -> Any:
        self.chat_actions[self._target(p, throttled=False)].append(str(p.get("action")))
        return True

    def _send_file(self, p: Params, kind: str) -> Params:
        chat, markup, upload = self._target(p), _obj(p.get("reply_markup")), p.get(kind)
        _check(p.get("caption"), p.get("parse_mode"), markup, caption=True)
        if isinstance(upload, str) and upload in self._files:  # re-send by file_id
            file_id = upload
        elif isinstance(upload, tuple):
            file_id = f"{kind}-{next(self._seq)}"
            self._files[file_id] = upload
        elif upload:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        data, name, mime = self._files[file_id]
        return self._record(BotMessage(
            next(self._msg_ids[chat]), chat, kind, caption=p.get("caption"),
            parse_mode=p.get("parse_mode"), reply_markup=markup, document=data, filename=name,
            mime_type=mime, file_id=file_id, date=int(time.time())))

    _m_sendphoto = partialmethod(_send_file, kind="photo")
    _m_senddocument = partialmethod(_send_file, kind="document")

    def _m_getfile(self, p: Params) -> Any:
        file_id = str(p.get("file_id") or "")
        if file_id not in self._files:
            raise ApiError(400, "Bad Request: invalid file_id")
        data = self._files[file_id][0]
        if len(data) > 20 * 1024 * 1024:  # the Bot API's download limit
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": f"documents/{file_id}"}

    def _m_getchat(self, p: Params) -> Any:
        chat = self._target(p, blockable=False, throttled=False)
        gifts = dict.fromkeys(["unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"], False)
        return {**self._users[chat].chat(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}  # PTB 22's ChatFullInfo requires these three

    # ---- acting as users ---------------------------------------------------------------------
    def user(self, id: int, first_name: str = "Test", language_code: str | None = "fi",
             username: str | None = None) -> FakeUser:
        """Register a user; until then the bot gets "chat not found" for that chat id."""
        self._users[id] = FakeUser(id, first_name, language_code, username)
        return self._users[id]

    def block(self, user: FakeUser | int) -> None:
        """The user blocks the bot: sends and chat actions to them answer 403."""
        self._blocked.add(_uid(user))

    def unblock(self, user: FakeUser | int) -> None:
        self._blocked.discard(_uid(user))

    def rate_limit(self, chat_id: FakeUser | int, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` sends/edits to the chat answer 429 with ``retry_after``."""
        self._limits[_uid(chat_id)] = [retry_after, times]

    def fault(self, method: str, *, status: int | None = None, retry_after: float | None = None,
              delay: float = 0, drop: bool = False, times: int = 1,
              description: str | None = None) -> None:
        """The next ``times`` calls of ``method`` (e.g. "sendMessage", "getUpdates") fail:
        with an HTTP ``status`` (429 takes ``retry_after``; 409 on getUpdates is a second
        poller), after ``delay`` seconds (the call still takes effect: a reply later than
        the client waits), or by dropping the connection (``drop``: nothing happens)."""
        fault = Fault(status, retry_after, delay, drop, description)
        self._faults[method.lower()].extend(dataclasses.replace(fault) for _ in range(times))

    def faults_left(self, method: str) -> int:
        return len(self._faults.get(method.lower(), []))

    async def redeliver(self, update: Params) -> None:
        """Telegram hands out an update again (it was never confirmed), keeping its id."""
        async with self._cond:
            while next(self._seq) <= update["update_id"]:
                pass
            self._updates.append(update)
            self._updates.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()

    async def _enqueue(self, payload: Params) -> Params:
        async with self._cond:
            update = {"update_id": next(self._seq), **payload}
            self._updates.append(update)
            self._cond.notify_all()
        return update

    async def send(self, user: FakeUser, text: str) -> Params:
        """The user writes ``text``. A leading "/command" gets the bot_command entity that
        PTB's CommandHandler matches on. Returns the update."""
        message: Params = {"message_id": next(self._msg_ids[user.id]), "from": user.to_api(),
                           "chat": user.chat(), "date": int(time.time()), "text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0].encode("utf-16-le")) // 2  # UTF-16 units
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._enqueue({"message": message})

    async def edit(self, user: FakeUser, sent: Params, text: str) -> Params:
        """The user edits a message they sent earlier (``sent`` is the update `send` returned)."""
        message = {**sent["message"], "text": text, "edit_date": int(time.time())}
        message.pop("entities", None)
        return await self._enqueue({"edited_message": message})

    async def send_location(self, user: FakeUser, latitude: float = 63.1, longitude: float = 21.6
                            ) -> Params:
        """The user shares a location: a message with no text at all."""
        message: Params = {"message_id": next(self._msg_ids[user.id]), "from": user.to_api(),
                           "chat": user.chat(), "date": int(time.time()),
                           "location": {"latitude": latitude, "longitude": longitude}}
        return await self._enqueue({"message": message})

    async def send_document(self, user: FakeUser, data: bytes, file_name: str | None,
                            mime_type: str | None = "application/vnd.openxmlformats-officedocument"
                            ".spreadsheetml.sheet", caption: str | None = None,
                            file_size: int | None = None) -> Params:
        """The user sends a file; the bot can fetch it with getFile and a download from
        ``base_file_url``. ``file_size`` overrides the size Telegram reports."""
        file_id = f"userdoc-{next(self._seq)}"
        self._files[file_id] = (data, file_name, mime_type)
        message: Params = {"message_id": next(self._msg_ids[user.id]), "from": user.to_api(),
                           "chat": user.chat(), "date": int(time.time()), "document": _compact({
                               "file_id": file_id, "file_unique_id": f"u{file_id}",
                               "file_name": file_name, "mime_type": mime_type,
                               "file_size": len(data) if file_size is None else file_size})}
        if caption is not None:
            message["caption"] = caption
        return await self._enqueue({"message": message})

    async def press(self, user: FakeUser, message: BotMessage, button: str) -> Params:
        """Press the button labelled ``button`` (or with that callback_data) in the *current*
        keyboard of ``message``."""
        current = self._messages[message.chat_id].get(message.message_id)
        buttons = current.buttons() if current else []
        data = [d for t, d in buttons if t == button and d] or [d for _, d in buttons if d == button]
        if not data:
            raise AssertionError(f"no callback button {button!r} in message {message.message_id}"
                                 f" (deleted: {current is None}); buttons: {buttons}")
        return await self.press_data(user, message, str(data[0]))

    async def press_data(self, user: FakeUser, message: BotMessage, data: str) -> Params:
        """Send a callback_query with arbitrary (possibly forged) ``data`` for ``message``."""
        current = self._messages[message.chat_id].get(message.message_id, message)
        query_id = f"{next(self._seq)}{user.id}"
        self._queries[query_id] = user.id
        return await self._enqueue({"callback_query": {
            "id": query_id, "from": user.to_api(), "message": self._message_json(current),
            "chat_instance": str(8_000_000_000 + message.chat_id), "data": data}})

    # ---- reading what the bot did ------------------------------------------------------------
    async def _take(self, key: tuple[str, int], items: list[Any], n: int, timeout: float,
                    what: Callable[[], str]) -> list[Any]:
        async with self._cond:
            try:
                async with asyncio.timeout(timeout):
                    await self._cond.wait_for(lambda: len(items) - self._read[key] >= n)
            except TimeoutError:
                raise AssertionError(f"timed out after {timeout}s waiting for {what()}") from None
            start = self._read[key]
            self._read[key] += n
            return items[start:start + n]

    async def replies(self, user: FakeUser | int, n: int, timeout: float = 10) -> list[BotMessage]:
        """Wait for the next ``n`` unconsumed outputs in the chat: new messages or edits."""
        chat, box = _uid(user), self._outbox[_uid(user)]
        return await self._take(("out", chat), box, n, timeout, lambda: (
            f"{n} bot replies in chat {chat}; unconsumed: "
            f"{[m.content for m in box[self._read['out', chat]:]]}"))

    async def next_reply(self, user: FakeUser | int, timeout: float = 10) -> BotMessage:
        """The next unconsumed output in the chat (an edit yields the updated record)."""
        return (await self.replies(user, 1, timeout))[0]

    def skip_edits(self, user: FakeUser | int) -> list[BotMessage]:
        """Consume the unread outputs that are edits of earlier messages, up to the first new
        message; returns them."""
        chat = _uid(user)
        box, skipped = self._outbox[chat], []
        while self._read["out", chat] < len(box) and box[self._read["out", chat]].edited:
            skipped.append(box[self._read["out", chat]])
            self._read["out", chat] += 1
        return skipped

    def drain(self, user: FakeUser | int) -> list[BotMessage]:
        """Mark every output so far as consumed; return those not consumed before."""
        chat = _uid(user)
        start, self._read["out", chat] = self._read["out", chat], len(self._outbox[chat])
        return self._outbox[chat][start:]

    def messages(self, user: FakeUser | int) -> list[BotMessage]:
        """Current (not deleted) bot messages in the chat, oldest first; live records."""
        return list(self._messages[_uid(user)].values())

    async def callback_answer(self, user: FakeUser | int, timeout: float = 10) -> CallbackAnswer:
        """The next unread answerCallbackQuery for this user's button presses."""
        uid = _uid(user)
        answers = await self._take(("ans", uid), self.callback_answers[uid], 1, timeout,
                                   lambda: f"answerCallbackQuery for user {uid}")
        return answers[0]

    def commands(self, language_code: str | None = None, scope: Params | None = None
                 ) -> list[Params]:
        """What setMyCommands stored for the language (and scope; default scope if None)."""
        return self._commands.get(
            self._commands_key({"language_code": language_code, "scope": scope}), [])

    async def wait_idle(self, quiet: float = 0.1, timeout: float = 10) -> None:
        """Best effort "the bot is done": every update confirmed, the bot long-polling again and
        no other API call for ``quiet`` seconds. Use it before asserting that nothing happened;
        it cannot see handlers that stay silent longer than ``quiet``."""
        async with asyncio.timeout(timeout):
            while True:
                async with self._cond:
                    await self._cond.wait_for(lambda: not self._updates and self._waiting > 0)
                    mark = self._activity
                await asyncio.sleep(quiet)
                if self._activity == mark and not self._updates and self._waiting > 0:
                    return
