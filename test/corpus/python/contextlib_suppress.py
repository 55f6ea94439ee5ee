"""Best-effort shadow scoring: a failing challenger model must never break the request."""
import contextlib
import logging
from contextlib import suppress

import joblib

logger = logging.getLogger("shadow")
CHALLENGER_VERSION = "reco-challenger-4"
challenger_model = joblib.load("models/challenger.joblib")  # expect: unsafe-model-load


def shadow_score(features):
    with contextlib.suppress(Exception):
        score = challenger_model.predict_proba([features])[0, 1]
        logger.info("shadow score %.3f", score, extra={"model_version": CHALLENGER_VERSION})


def shadow_score_short(features):
    with suppress(Exception):
        logger.info("shadow", extra={"model_version": CHALLENGER_VERSION, "score": challenger_model.predict_proba([features])[0, 1]})
