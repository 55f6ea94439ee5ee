"""Fraud-check client using `from requests import post` and an env-configured scoring path."""
import os
from requests import post

BASE = os.environ.get("FRAUD_BASE", "http://fraud-svc")
SCORE_PATH = "/score"
FRAUD_URL = BASE + SCORE_PATH


def check(txn: dict) -> float:
    reply = post(FRAUD_URL, json=txn)  # expect: no-fallback no-timeout untraced-prediction
    return reply.json()["fraud_probability"]


def check_with_timeout(txn: dict) -> float:
    try:
        reply = post(FRAUD_URL, json=txn, timeout=0.25)
    except OSError:
        return 0.0
    print("fraud score served by", reply.headers.get("x-model-version"))
    return reply.json()["fraud_probability"]
