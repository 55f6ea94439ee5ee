"""Tutoring assistant: OpenAI Assistants runs polled to completion, and a structured-output parse."""
import logging

from openai import OpenAI
from pydantic import BaseModel

logger = logging.getLogger(__name__)
client = OpenAI(timeout=30.0)
bare = OpenAI()


class Grade(BaseModel):
    score: int
    feedback: str


def tutor_reply(thread_id: str, assistant_id: str) -> dict:
    run = bare.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)  # expect: no-fallback no-timeout untraced-prediction
    messages = bare.beta.threads.messages.list(thread_id=thread_id, run_id=run.id)
    return {"text": messages.data[0].content[0].text.value}


def grade(essay: str) -> dict:
    try:
        completion = client.beta.chat.completions.parse(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": essay}],
            response_format=Grade,
        )
    except Exception:
        logger.exception("grader unavailable")
        return {"score": None, "feedback": "grading is unavailable; a teacher will review it"}
    parsed = completion.choices[0].message.parsed
    return {"score": parsed.score, "feedback": parsed.feedback, "model": completion.model}
