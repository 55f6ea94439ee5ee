"""The fallback lives in the caller: the helper is only called from guarded code."""
import logging

import joblib
import numpy as np

log = logging.getLogger(__name__)
VERSION = "credit-3.1"
# mlship: ignore[unsafe-model-load]
scorecard = joblib.load("models/credit.joblib")


def _raw_score(applicant: dict) -> float:
    x = np.array([[applicant["income"], applicant["debt"], applicant["age"]]])
    p = float(scorecard.predict_proba(x)[0, 1])
    log.debug("raw credit score %.3f", p, extra={"model_version": VERSION})
    return p


def _risk_band(applicant: dict) -> str:
    p = _raw_score(applicant)
    return "high" if p > 0.7 else "low"


def decide(applicant: dict) -> str:
    try:
        band = _risk_band(applicant)
    except Exception:
        log.exception("credit model failed; sending to manual review")
        return "manual-review"
    log.info("credit decision", extra={"model_version": VERSION, "band": band})
    return band


def decide_batch(applicants: list[dict]) -> list[str]:
    out = []
    for a in applicants:
        try:
            out.append(_risk_band(a))
        except Exception:
            out.append("manual-review")
    return out
