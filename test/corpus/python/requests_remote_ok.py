"""Recommendation client with a timeout, a fallback and the model version in the logs."""
import logging

import requests

log = logging.getLogger("recs")
RECS_ENDPOINT = "https://recs.internal/invocations"
POPULAR = ["sku-1", "sku-2", "sku-3"]


def recommend(user_id: str) -> list[str]:
    try:
        r = requests.post(RECS_ENDPOINT, json={"user_id": user_id}, timeout=0.2)
        r.raise_for_status()
    except requests.RequestException:
        log.warning("recs unavailable, serving popular items")
        return POPULAR
    body = r.json()
    log.info("recs served", extra={"model_version": body.get("model_version"), "user": user_id})
    return body["items"]


def health() -> bool:
    return requests.get("https://recs.internal/healthz", timeout=1).ok


def repo_stars() -> int:
    return requests.get("https://api.github.com/repos/org/recs").json()["stargazers_count"]
