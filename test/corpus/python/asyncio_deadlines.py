"""Reply service: LLM calls bounded by the caller's own deadline (asyncio.wait_for, asyncio.timeout, a decorator)."""
import asyncio
import logging

import timeout_decorator
from openai import AsyncOpenAI, OpenAI

logger = logging.getLogger(__name__)
aclient = AsyncOpenAI()
client = OpenAI()
MODEL = "gpt-4o-mini"


async def reply_kept(messages):
    try:
        pending = aclient.chat.completions.create(model=MODEL, messages=messages)
        answer = await asyncio.wait_for(pending, timeout=8)
        return {"text": answer.choices[0].message.content, "model": answer.model}
    except (asyncio.TimeoutError, Exception):
        logger.warning("reply failed; canned answer")
        return {"text": "Sorry, try again.", "model": None}


async def reply_task(messages):
    try:
        task = asyncio.create_task(aclient.chat.completions.create(model=MODEL, messages=messages))
        answer = await asyncio.wait_for(task, 8)
        return {"text": answer.choices[0].message.content, "model": answer.model}
    except Exception:
        return {"text": "Sorry, try again.", "model": None}


async def reply_block(messages):
    try:
        async with asyncio.timeout(8):
            answer = await aclient.chat.completions.create(model=MODEL, messages=messages)
        return {"text": answer.choices[0].message.content, "model": answer.model}
    except Exception:
        return {"text": "Sorry, try again.", "model": None}


async def reply_line(messages):
    try:
        async with asyncio.timeout(8): answer = await aclient.chat.completions.create(model=MODEL, messages=messages)
        return {"text": answer.choices[0].message.content, "model": answer.model}
    except Exception:
        return {"text": "Sorry, try again.", "model": None}


@timeout_decorator.timeout(8)
def reply_decorated(messages):
    try:
        answer = client.chat.completions.create(model=MODEL, messages=messages)
        return {"text": answer.choices[0].message.content, "model": answer.model}
    except Exception:
        return {"text": "Sorry, try again.", "model": None}


async def reply_unbounded(messages):
    try:
        pending = aclient.chat.completions.create(model=MODEL, messages=messages)  # expect: no-timeout
        answer = await pending
        return {"text": answer.choices[0].message.content, "model": answer.model}
    except Exception:
        return {"text": "Sorry, try again.", "model": None}


async def reply_bounded_elsewhere(messages, other):
    try:
        pending = aclient.chat.completions.create(model=MODEL, messages=messages)  # expect: no-timeout
        first = await asyncio.wait_for(other, timeout=8)
        answer = await pending
        return {"text": answer.choices[0].message.content, "model": answer.model, "first": first}
    except Exception:
        return {"text": "Sorry, try again.", "model": None}
