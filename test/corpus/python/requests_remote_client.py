"""Client for the pricing model server (KServe v1 protocol)."""
import requests as rq

PRICING_URL = "http://pricing-model.ml.svc.cluster.local/v1/models/pricing:predict"


def quote(features: dict) -> float:
    resp = rq.post(PRICING_URL, json={"instances": [features]})  # expect: no-fallback no-timeout untraced-prediction
    resp.raise_for_status()
    return resp.json()["predictions"][0]
