#!/usr/bin/env python3
"""Scripted fake LLM server for `idx ask` tests. Python 3 standard library only.

CONTRACT
  python3 scripted_llm_server.py SCRIPT.json [--log FILE] [--verbose]
    Binds 127.0.0.1 on an ephemeral port, prints the port as the first stdout
    line (flushed), then serves until killed.

  Endpoints (POST, JSON body, "stream": true required):
    /v1/messages                             Anthropic Messages API, SSE.
                                             Needs x-api-key and anthropic-version headers.
    /v1/chat/completions, /chat/completions  OpenAI chat completions, SSE.
                                             Needs "Authorization: Bearer <non-empty>".
  Missing auth -> 401 with a provider-shaped JSON error. Missing anthropic-version,
  a body that is not a JSON object, or stream != true -> 400. Unknown path -> 404.
  Rejected requests are logged but do not consume a turn.

  SCRIPT.json is a JSON list of turns (or {"turns": [...]}); each accepted request
  consumes the next turn (except a repeated error turn, see "times"):
    {"text": "...",                       # assistant text, streamed as several deltas
     "tool_calls": [{"name": "search", "input": {...}, "id": "optional"}],
     "fault": null,                       # see FAULTS below
     "delay_ms": 50, "drip_bytes": 16,    # slow_drip pacing
     "hang_ms": 600000,                   # hang: how long to stall
     "times": 1,                          # http_429/http_500/overloaded only: serve N times
     "retry_after": "1",                  # http_429/http_500/overloaded: retry-after header
     "crlf": false,                       # true: SSE lines end with CRLF
     "chunked": true}                     # false: no chunked encoding, body ends at socket close
  A turn with tool_calls ends with stop_reason "tool_use" / finish_reason "tool_calls",
  otherwise "end_turn" / "stop". Default tool-call ids are toolu_<turn>_<i> (Anthropic)
  and call_<turn>_<i> (OpenAI), turn counted from 0. Once the script is exhausted,
  every request gets the plain text turn "script exhausted".

  "times": N (a positive integer, default 1; only allowed on http_429, http_500 and
  overloaded turns) serves that error turn to N consecutive requests, all logged with
  the same turn index, before the next request gets the next turn. "Fail twice, then
  succeed": [{"fault": "http_429", "times": 2, "retry_after": "0"}, {"text": "ok"}].

  FAULTS
    http_500       status 500 with a provider-shaped JSON error body.
    http_429       status 429; Anthropic {"type": "error", "error": {"type":
                   "rate_limit_error", ...}}, OpenAI {"error": {..., "type":
                   "rate_limit_error", "code": "rate_limit_exceeded"}}. Always sends a
                   `retry-after` header: the turn's "retry_after" (seconds, default "1").
    overloaded     Anthropic: status 529, error type overloaded_error. OpenAI: status 503,
                   error type server_error. (http_500 and overloaded send `retry-after`
                   only when the turn gives "retry_after".)
    garbage        status 200, Content-Type text/event-stream, body is non-SSE junk.
    disconnect     the first half of the normal stream's bytes, then the socket is shut
                   down (chunked: no terminating chunk; chunked=false: looks like clean EOF).
    slow_drip      the normal stream, drip_bytes at a time with delay_ms between writes.
    error_event    part of the stream, then Anthropic `event: error` (overloaded_error) or
                   OpenAI `data: {"error": {...}}`; no message_stop / [DONE] follows.
    bad_json_args  tool-call arguments stream as invalid JSON (tool "search" if none given).
    unknown_tool   a normal tool-call turn whose tool_calls default to
                   [{"name": "no_such_tool", "input": {}}] (a call without "name" gets
                   "no_such_tool"); sugar for naming a tool the client does not have.
    truncated      like disconnect, but the cut is semantic: every frame up to and
                   including the first non-empty text delta or tool-call argument fragment
                   (whichever comes first), then the first half of the next frame's bytes
                   (so the stream ends mid-event), then the socket is shut down. A turn
                   with neither text nor tool calls is cut at 1/3 of its bytes.
    hang           status line, SSE headers and the opening SSE comment, then nothing for
                   hang_ms (default 600000) ms, then the rest of the normal stream. The
                   handler stops early, without writing, once the client closes the
                   socket; other requests are served meanwhile (one thread per request).

  --log FILE appends one JSON line per request, written before the response is sent:
    {"seq": 1, "turn": 0 | null, "path": "/v1/messages", "status": 200,
     "headers": {lower-cased name: value}, "body": parsed JSON (raw text if unparseable)}

  Every stream starts with an SSE comment line; Anthropic streams include a ping event;
  OpenAI streams end with `data: [DONE]` (plus a usage chunk with empty choices when
  stream_options.include_usage is true).
"""
import argparse
import json
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = (None, "http_500", "http_429", "overloaded", "garbage", "disconnect", "truncated",
          "hang", "slow_drip", "error_event", "bad_json_args", "unknown_tool")
REPEATABLE = ("http_429", "http_500", "overloaded")  # faults that honour "times"
EXHAUSTED = {"text": "script exhausted"}
BAD_ARGS = '{"query": "unterminated, "limit": }'
OPENAI_PATHS = ("/v1/chat/completions", "/chat/completions")


def split(s, n=4):
    """Split s into about n pieces at arbitrary positions, like real token streams."""
    size = max(1, -(-len(s) // n))
    return [s[i:i + size] for i in range(0, len(s), size)]


def error_body(api, etype, message, code=None):
    if api == "anthropic":
        return {"type": "error", "error": {"type": etype, "message": message}}
    return {"error": {"message": message, "type": etype, "param": None, "code": code}}


def http_fault(api, turn):
    """(status, error body, extra headers) for an http_* / overloaded turn, else None."""
    fault, anthropic = turn.get("fault"), api == "anthropic"
    if fault == "http_500":
        status, err = 500, error_body(api, "api_error" if anthropic else "server_error",
                                      "Internal server error (scripted fault)")
    elif fault == "http_429":
        status, err = 429, error_body(api, "rate_limit_error",
                                      "Rate limit exceeded (scripted fault)",
                                      code="rate_limit_exceeded")
    elif fault == "overloaded":
        status, err = (529, error_body(api, "overloaded_error", "Overloaded")) if anthropic else \
            (503, error_body(api, "server_error",
                             "The engine is currently overloaded, please try again later"))
    else:
        return None
    retry = turn.get("retry_after", "1" if fault == "http_429" else None)
    return status, err, {"retry-after": str(retry)} if retry is not None else {}


def tool_calls(turn, idx, prefix):
    """[(id, name, arguments-json-text)] for a turn."""
    calls = turn.get("tool_calls") or []
    bad = turn.get("fault") == "bad_json_args"
    if bad and not calls:
        calls = [{"name": "search"}]
    if turn.get("fault") == "unknown_tool":
        calls = [dict(c, name=c.get("name") or "no_such_tool")
                 for c in calls or [{"input": {}}]]
    return [(c.get("id") or f"{prefix}_{idx}_{i}", c["name"],
             BAD_ARGS if bad else json.dumps(c.get("input", {})))
            for i, c in enumerate(calls)]


# Frames are (event, data): event None -> no `event:` line, ":" -> comment line;
# data is a dict (JSON-encoded) or a raw string such as "[DONE]".

def anthropic_frames(turn, idx, model, in_tokens):
    def delta(i, d):
        return ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": d})
    calls = tool_calls(turn, idx, "toolu")
    text = turn.get("text") or ""
    out = [(":", "scripted-llm-server"),
           ("message_start", {"type": "message_start", "message": {
               "id": f"msg_scripted_{idx}", "type": "message", "role": "assistant",
               "model": model, "content": [], "stop_reason": None, "stop_sequence": None,
               "usage": {"input_tokens": in_tokens, "output_tokens": 1}}})]
    block = 0
    if text:
        out.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                            "content_block": {"type": "text", "text": ""}}))
    out.append(("ping", {"type": "ping"}))
    if text:
        out += [delta(0, {"type": "text_delta", "text": p}) for p in split(text)]
        out.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
        block = 1
    for i, (tid, name, args) in enumerate(calls, start=block):
        out.append(("content_block_start", {"type": "content_block_start", "index": i,
                    "content_block": {"type": "tool_use", "id": tid, "name": name, "input": {}}}))
        out += [delta(i, {"type": "input_json_delta", "partial_json": p})
                for p in [""] + split(args)]  # the real API opens with an empty partial
        out.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    out.append(("message_delta", {"type": "message_delta",
                "delta": {"stop_reason": "tool_use" if calls else "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 1 + len(text) // 4 + 10 * len(calls)}}))
    out.append(("message_stop", {"type": "message_stop"}))
    if turn.get("fault") == "error_event":
        out = out[:len(out) // 2] + [("error", {"type": "error", "error": {
            "type": "overloaded_error", "message": "Overloaded"}})]
    return out


def openai_frames(turn, idx, model, in_tokens, include_usage):
    base = {"id": f"chatcmpl-scripted-{idx}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}

    def chunk(delta, finish=None):
        return (None, dict(base, choices=[{"index": 0, "delta": delta, "logprobs": None,
                                           "finish_reason": finish}]))
    calls = tool_calls(turn, idx, "call")
    text = turn.get("text") or ""
    out = [(":", "scripted-llm-server"), chunk({"role": "assistant", "content": ""})]
    out += [chunk({"content": p}) for p in split(text)]
    for i, (tid, name, args) in enumerate(calls):
        out.append(chunk({"tool_calls": [{"index": i, "id": tid, "type": "function",
                                          "function": {"name": name, "arguments": ""}}]}))
        out += [chunk({"tool_calls": [{"index": i, "function": {"arguments": p}}]})
                for p in split(args)]
    out.append(chunk({}, "tool_calls" if calls else "stop"))
    if include_usage:
        n = 1 + len(text) // 4
        out.append((None, dict(base, choices=[], usage={
            "prompt_tokens": in_tokens, "completion_tokens": n, "total_tokens": in_tokens + n})))
    out.append((None, "[DONE]"))
    if turn.get("fault") == "error_event":
        out = out[:len(out) // 2] + [(None, {"error": {
            "message": "The server had an error while processing your request (scripted)",
            "type": "server_error", "param": None, "code": None}})]
    return out


def first_fragment(frames):
    """Index of the first frame carrying a non-empty text delta or tool-argument
    fragment (Anthropic or OpenAI shape), else None."""
    for i, (_, data) in enumerate(frames):
        if not isinstance(data, dict):
            continue
        d = data.get("delta") if data.get("type") == "content_block_delta" else None
        if d and (d.get("text") or d.get("partial_json")):
            return i
        for choice in data.get("choices") or []:
            d = choice.get("delta") or {}
            if d.get("content") or any((c.get("function") or {}).get("arguments")
                                       for c in d.get("tool_calls") or []):
                return i
    return None


def encode(frames, nl):
    parts = []
    for event, data in frames:
        if event == ":":
            parts.append(f": {data}{nl}{nl}")
            continue
        text = data if isinstance(data, str) else json.dumps(data)
        parts.append((f"event: {event}{nl}" if event else "") + f"data: {text}{nl}{nl}")
    return [p.encode("utf-8") for p in parts]


class State:
    def __init__(self, turns, log_path):
        self.turns, self.next, self.seq = turns, 0, 0
        self.served = 0  # requests already given turns[self.next] (for "times")
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8") if log_path else None

    def take(self):
        """(index, turn) for the next request. A REPEATABLE turn with "times": N is
        returned N times before the script advances; every other turn once."""
        with self.lock:
            idx = self.next
            turn = self.turns[idx] if idx < len(self.turns) else EXHAUSTED
            self.served += 1
            times = turn.get("times", 1) if turn.get("fault") in REPEATABLE else 1
            if self.served >= times:
                self.next, self.served = idx + 1, 0
        return idx, turn

    def record(self, entry):
        with self.lock:
            self.seq += 1
            if self.log:
                self.log.write(json.dumps(dict(seq=self.seq, **entry)) + "\n")
                self.log.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive + chunked, like the real APIs

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    def send_bytes(self, status, body, ctype="application/json", headers=None):
        self.send_response(status, "Overloaded" if status == 529 else None)  # 529: not in stdlib
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reject(self, api, body):
        """(status, error body) if the request must be refused, else None."""
        h = self.headers
        if api is None:
            return 404, {"error": {"message": f"unknown path {self.path}", "type": "not_found"}}
        if api == "anthropic" and not h.get("x-api-key"):
            return 401, error_body(api, "authentication_error", "x-api-key header is required")
        if api == "anthropic" and not h.get("anthropic-version"):
            return 400, error_body(api, "invalid_request_error",
                                   "anthropic-version: header is required")
        auth = h.get("Authorization") or ""
        if api == "openai" and not (auth.startswith("Bearer ") and auth[7:].strip()):
            return 401, error_body(api, "invalid_request_error",
                                   "Missing bearer authentication in header")
        if not isinstance(body, dict):
            return 400, error_body(api, "invalid_request_error", "body must be a JSON object")
        if body.get("stream") is not True:
            return 400, error_body(api, "invalid_request_error",
                                   "scripted server only supports \"stream\": true")
        return None

    def do_POST(self):
        path = self.path.split("?")[0]
        api = "anthropic" if path == "/v1/messages" else "openai" if path in OPENAI_PATHS else None
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        entry = {"turn": None, "path": path, "status": 200,
                 "headers": {k.lower(): v for k, v in self.headers.items()},
                 "body": body if body is not None else raw.decode("utf-8", "replace")}
        refused = self.reject(api, body)
        if refused:
            entry["status"] = refused[0]
            self.server.state.record(entry)
            return self.send_bytes(refused[0], json.dumps(refused[1]).encode())
        idx, turn = self.server.state.take()
        fault, failure = turn.get("fault"), http_fault(api, turn)
        entry.update(turn=idx, status=failure[0] if failure else 200)
        self.server.state.record(entry)
        if failure:
            status, err, headers = failure
            return self.send_bytes(status, json.dumps(err).encode(), headers=headers)
        if fault == "garbage":
            junk = b"<html><body><h1>502 Bad Gateway</h1></body></html>\n\x00\xff not an event stream\n"
            return self.send_bytes(200, junk, "text/event-stream")
        model = body.get("model") or "scripted-model"
        in_tokens = len(raw) // 4
        if api == "anthropic":
            frames = anthropic_frames(turn, idx, model, in_tokens)
        else:
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            frames = openai_frames(turn, idx, model, in_tokens, usage)
        try:
            self.stream(encode(frames, "\r\n" if turn.get("crlf") else "\n"), turn,
                        first_fragment(frames))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nothing to do

    def client_gone_within(self, seconds):
        """Wait up to seconds; True as soon as the client has closed the connection."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                readable = select.select([self.connection], [], [], min(0.25, left))[0]
                if readable and not self.connection.recv(1, socket.MSG_PEEK):
                    return True  # orderly EOF from the client
            except OSError:
                return True
            if readable:  # unread request bytes, not EOF: don't spin on them
                time.sleep(min(0.25, max(0.0, end - time.monotonic())))
        return False

    def stream(self, parts, turn, fragment=None):
        fault, chunked = turn.get("fault"), turn.get("chunked", True)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if fault == "disconnect":
            data = b"".join(parts)
            parts = [data[:len(data) // 2]]
        elif fault == "truncated":
            if fragment is None or fragment + 1 >= len(parts):
                data = b"".join(parts)
                parts = [data[:len(data) // 3]]
            else:
                nxt = parts[fragment + 1]
                parts = [b"".join(parts[:fragment + 1]) + nxt[:len(nxt) // 2]]
        elif fault == "slow_drip":
            data, step = b"".join(parts), max(1, int(turn.get("drip_bytes", 16)))
            parts = [data[i:i + step] for i in range(0, len(data), step)]
        delay = int(turn.get("delay_ms", 50)) / 1000.0 if fault == "slow_drip" else 0
        for i, p in enumerate(parts):
            if delay and i:
                time.sleep(delay)
            if fault == "hang" and i == 1 and \
                    self.client_gone_within(int(turn.get("hang_ms", 600000)) / 1000.0):
                self.close_connection = True
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p) if chunked else p)
            self.wfile.flush()
        if fault in ("disconnect", "truncated"):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif chunked:
            self.wfile.write(b"0\r\n\r\n")


def main():
    ap = argparse.ArgumentParser(description="Scripted fake Anthropic/OpenAI streaming server.")
    ap.add_argument("script", help="JSON list of turns")
    ap.add_argument("--log", help="append one JSON line per received request to this file")
    ap.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = ap.parse_args()
    with open(args.script, encoding="utf-8") as f:
        turns = json.load(f)
    if isinstance(turns, dict):
        turns = turns.get("turns")
    if not isinstance(turns, list) or not all(isinstance(t, dict) for t in turns):
        sys.exit("script must be a JSON list of turn objects")
    for i, t in enumerate(turns):
        if t.get("fault") not in FAULTS:
            sys.exit(f"turn {i}: unknown fault {t.get('fault')!r}")
        if "times" in t:
            n = t["times"]
            if t.get("fault") not in REPEATABLE:
                sys.exit(f"turn {i}: \"times\" needs fault http_429, http_500 or overloaded")
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                sys.exit(f"turn {i}: \"times\" must be a positive integer, got {n!r}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state, server.verbose = State(turns, args.log), args.verbose
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
