"""Fallbacks written by MLShip's quick fix: one still a placeholder, one the team has made its own."""
import logging

import joblib

logger = logging.getLogger(__name__)
MODEL_VERSION = "fraud-3"
model = joblib.load("models/fraud.joblib")  # mlship: ignore[unsafe-model-load]


def score(tx: dict) -> float:
    try:
        p = float(model.predict_proba([[tx["amount"], tx["age"]]])[0, 1])
        logger.info("fraud score", extra={"model_version": MODEL_VERSION, "p": p})
        return p
    except Exception:
        logger.exception("Prediction failed; using fallback")
        return fallback_score(tx)


def fallback_score(tx) -> float:
    """What score() answers when the model fails, times out or is not confident enough."""
    # TODO(mlship: fallback-stub): placeholder values; replace with the team's rule, then delete this line.  # expect: fallback-stub
    return 0.0


def review(tx: dict) -> str:
    try:
        label = model.predict([[tx["amount"], tx["age"]]])[0]  # expect: no-confidence
        logger.info("fraud review", extra={"model_version": MODEL_VERSION})
        return "block" if label else "allow"
    except Exception:
        logger.exception("Prediction failed; using fallback")
        return fallback_review(tx)


def fallback_review(tx) -> str:
    """Large amounts from new accounts go to manual review; the rest is allowed."""
    if tx["amount"] > 5_000 and tx["age"] < 30:
        return "review"
    return "allow"


def triage(tx: dict) -> str:
    try:
        return "review" if model.predict([[tx["amount"], 0]])[0] else "allow"  # expect: no-confidence untraced-prediction
    except Exception:
        logger.exception("Prediction failed; using fallback")
        return fallback_triage(tx)


def fallback_triage(tx) -> str:
    # TODO(mlship: fallback-stub): placeholder values; replace with the team's rule, then delete this line.  # expect: fallback-stub
    return "allow"
