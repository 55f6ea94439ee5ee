"""Async client for a Triton inference server (KServe v2 protocol)."""
import logging

import httpx

logger = logging.getLogger(__name__)
TRITON = "http://triton:8000"
MODEL = "resnet50"


class TritonClient:
    def __init__(self):
        self.client = httpx.AsyncClient(base_url=TRITON)

    async def infer(self, tensor: list[float]) -> list[float]:
        payload = {"inputs": [{"name": "input", "shape": [1, 3, 224, 224], "datatype": "FP32", "data": tensor}]}
        try:
            resp = await self.client.post(f"/v2/models/{MODEL}/infer", json=payload, timeout=None)  # expect: no-timeout untraced-prediction
        except httpx.HTTPError:
            logger.exception("triton unavailable")
            return []
        return resp.json()["outputs"][0]["data"]


def infer_sync(tensor: list[float]) -> dict:
    try:
        resp = httpx.post(f"{TRITON}/v2/models/{MODEL}/infer", json={"inputs": tensor})
        out = resp.json()
    except httpx.HTTPError:
        return {}
    logger.info("triton call", extra={"model_version": out.get("model_version")})
    return out
