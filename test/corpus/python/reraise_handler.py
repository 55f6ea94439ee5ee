"""A try/except that only logs and re-raises is not a fallback."""
import logging

import joblib

logger = logging.getLogger(__name__)
MODEL_VERSION = "spam-12"
spam_model = joblib.load("models/spam.joblib")  # expect: unsafe-model-load


def is_spam(features) -> bool:
    try:
        label = spam_model.predict([features])[0]  # expect: no-fallback no-confidence
    except ValueError:
        logger.exception("bad features")
        raise
    logger.info("spam check", extra={"model_version": MODEL_VERSION})
    return bool(label)


def is_spam_strict(features) -> bool:
    try:
        label = spam_model.predict([features])[0]  # expect: no-fallback no-confidence
    except Exception as exc:
        raise RuntimeError("spam model failed") from exc
    logger.info("spam check", extra={"model_version": MODEL_VERSION})
    return bool(label)


def is_spam_or_ham(features) -> bool:
    try:
        label = spam_model.predict([features])[0]  # expect: no-confidence
    except Exception:
        logger.exception("spam model failed, letting the message through")
        label = 0
    logger.info("spam check", extra={"model_version": MODEL_VERSION})
    return bool(label)
