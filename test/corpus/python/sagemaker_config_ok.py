"""SageMaker client with tight timeouts, a fallback and traced predictions."""
import json
import logging

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)
ENDPOINT = "fraud-v12"
RUNTIME_CONFIG = Config(read_timeout=2, connect_timeout=1, retries={"max_attempts": 1})


class FraudScorer:
    def __init__(self):
        self.runtime = boto3.client("sagemaker-runtime", config=RUNTIME_CONFIG)

    def score(self, txn: dict) -> float | None:
        try:
            resp = self.runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="application/json", Body=json.dumps(txn))
        except (BotoCoreError, ClientError):
            logger.exception("fraud endpoint failed")
            return None
        payload = json.loads(resp["Body"].read())
        logger.info("fraud score", extra={"endpoint": ENDPOINT, "model_version": resp.get("InvokedProductionVariant")})
        return payload["score"]
