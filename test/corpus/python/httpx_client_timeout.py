"""Synchronous httpx client configured once with a timeout; calls inherit it."""
import logging

import httpx

logger = logging.getLogger(__name__)
INFER_PATH = "/v2/models/ner/infer"


class NerClient:
    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=0.5)

    def entities(self, text: str) -> list[dict]:
        try:
            resp = self.http.post(INFER_PATH, json={"inputs": [{"name": "text", "data": [text]}]})
            resp.raise_for_status()
        except httpx.HTTPError:
            logger.warning("ner unavailable")
            return []
        body = resp.json()
        logger.info("ner", extra={"model_version": body.get("model_version")})
        return body["outputs"]
