"""Celery worker that tags product reviews with a zero-shot pipeline held on the task instance."""
import logging

from celery import Celery, Task
from transformers import pipeline

logger = logging.getLogger(__name__)
app = Celery("reviews", broker="redis://redis:6379/0")
TOPICS = ["shipping", "quality", "price", "support"]


class TaggingTask(Task):
    _tagger = None

    @property
    def tagger(self):
        if self._tagger is None:
            self._tagger = pipeline("zero-shot-classification", model="facebook/bart-large-mnli")
        return self._tagger


@app.task(base=TaggingTask, bind=True, autoretry_for=(Exception,), retry_backoff=True)
def tag_review(self, review_id: int, text: str) -> dict:
    result = self._tagger(text, candidate_labels=TOPICS)  # expect: no-fallback no-confidence untraced-prediction
    return {"review_id": review_id, "topic": result["labels"][0]}
