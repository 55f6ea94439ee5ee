"""Sentiment service: a fine-tuned torch model, guarded forward pass, softmax threshold."""
import logging

import torch
import torch.nn.functional as F

from .tokenizer import encode

logger = logging.getLogger(__name__)
MODEL_VERSION = "sentiment-v3"
CHECKPOINT = "checkpoints/sentiment.pt"

model = torch.load(CHECKPOINT, map_location="cpu")  # expect: unsafe-model-load
model.eval()


def predict(text: str):
    ids = encode(text)
    with torch.no_grad():
        try:
            logits = model(ids)
        except RuntimeError:
            logger.exception("forward pass failed")
            return None
    probs = F.softmax(logits, dim=-1)
    conf, label = probs.max(dim=-1)
    logger.info("prediction", extra={"model_version": MODEL_VERSION})
    if conf.item() < 0.75:
        return None
    return int(label.item())
