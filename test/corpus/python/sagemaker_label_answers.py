"""Text classifiers deployed on SageMaker (Hugging Face containers) that answer [{"label": ..., "score": ...}]."""
import json
import logging

import boto3
from botocore.config import Config

logger = logging.getLogger(__name__)
runtime = boto3.client("sagemaker-runtime", config=Config(read_timeout=5, connect_timeout=2))
QUERY_ENDPOINT = "query-type-classifier"
MIN_SCORE = 0.8


def route_query(question):
    """Only the top label is kept: the router acts on it whatever the endpoint's score."""
    response = runtime.invoke_endpoint(EndpointName=QUERY_ENDPOINT, ContentType="application/json", Body=json.dumps({"inputs": question}))  # expect: no-fallback no-confidence untraced-prediction
    output = json.loads(response["Body"].read().decode())
    return "arithmetic" if output[0]["label"] == "LABEL_0" else "span"


def classify_with_score(question):
    """The label and its score go back together: the caller can act on the score."""
    response = runtime.invoke_endpoint(EndpointName=QUERY_ENDPOINT, ContentType="application/json", Body=json.dumps({"inputs": question}))  # expect: no-fallback untraced-prediction
    top = json.loads(response["Body"].read())[0]
    return {"label": top["label"], "score": top["score"]}


def route_when_sure(question):
    """Below the threshold the question goes to the general handler."""
    try:
        response = runtime.invoke_endpoint(EndpointName=QUERY_ENDPOINT, ContentType="application/json", Body=json.dumps({"inputs": question}))  # expect: untraced-prediction
    except Exception:
        logger.exception("query classifier failed")
        return "general"
    top = json.loads(response["Body"].read())[0]
    if top["score"] < MIN_SCORE:
        return "general"
    return top["label"]
