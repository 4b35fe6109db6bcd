#!/usr/bin/env python3
"""Render chat-template cases with Python's jinja2 the way transformers'
apply_chat_template does (sandboxed environment, trim_blocks, lstrip_blocks,
its tojson filter, raise_exception, strftime_now): the oracle for
test/templateParity.test.ts.

usage: jinja2-render.py TOKENIZER_CONFIG CASES.json  -> JSON list of rendered strings (or null on error)
A case is {"messages": [...], "tools": ..., "kwargs": {...}, "chat_template": str|null};
integral floats come as {"__pyfloat": value}.
"""
import json
import sys
from datetime import datetime

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise TemplateError(message)


def main():
    cfg = json.load(open(sys.argv[1]))
    cases = json.load(open(sys.argv[2]), object_hook=lambda d: float(d["__pyfloat"]) if "__pyfloat" in d else d)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)

    def token_text(v):
        return v if isinstance(v, str) else (v.get("content") if isinstance(v, dict) else None)

    specials = {}
    for key in ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]:
        v = token_text(cfg.get(key))
        if v is not None:
            specials[key] = v
    if cfg.get("additional_special_tokens"):
        specials["additional_special_tokens"] = [token_text(t) for t in cfg["additional_special_tokens"]]
    out = []
    for case in cases:
        try:
            tmpl = env.from_string(case.get("chat_template") or cfg["chat_template"])
            out.append(tmpl.render(messages=case["messages"], tools=case.get("tools"), documents=None, **{**specials, **case["kwargs"]}))
        except Exception:
            out.append(None)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
