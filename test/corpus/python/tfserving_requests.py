"""TensorFlow Serving REST client with a timeout and a cached fallback."""
import logging
from functools import lru_cache

import requests

logger = logging.getLogger(__name__)
TF_SERVING = "http://tf-serving:8501"
MODEL_NAME = "ranker"
session = requests.Session()


@lru_cache(maxsize=1)
def default_ranking() -> list[int]:
    return list(range(20))


def rank(candidates: list[dict]) -> list[int]:
    url = f"{TF_SERVING}/v1/models/{MODEL_NAME}:predict"
    try:
        resp = session.post(url, json={"instances": candidates}, timeout=0.3)
        resp.raise_for_status()
    except requests.RequestException:
        logger.warning("ranker unavailable")
        return default_ranking()
    scores = resp.json()["predictions"]
    logger.info("ranked", extra={"model": MODEL_NAME, "model_version": resp.headers.get("X-Model-Version")})
    return sorted(range(len(scores)), key=lambda i: -scores[i])


def rank_no_timeout(candidates: list[dict]) -> list[int]:
    url = f"{TF_SERVING}/v1/models/{MODEL_NAME}:predict"
    try:
        resp = session.post(url, json={"instances": candidates})  # expect: no-timeout
    except requests.RequestException:
        return default_ranking()
    logger.info("ranked", extra={"model_version": resp.headers.get("X-Model-Version")})
    return resp.json()["predictions"]
