"""Moderation with a text-classification pipeline: only confident labels are acted on."""
import logging

from transformers import pipeline as hf_pipeline

logger = logging.getLogger(__name__)
MODEL_ID = "unitary/toxic-bert"


class Moderator:
    def __init__(self):
        self.classifier = hf_pipeline("text-classification", model=MODEL_ID)

    def moderate(self, text: str) -> str:
        try:
            out = self.classifier(text)[0]
        except Exception:
            logger.exception("moderation model failed")
            return "review"
        logger.info("moderation", extra={"model_version": MODEL_ID, "label": out["label"], "score": out["score"]})
        if out["score"] < 0.9:
            return "review"
        return out["label"]
