"""Hosted-model helpers: Gemini, Vertex AI's low-level client, and a handler that only re-raises as its own error."""
import logging
import os

import google.generativeai as genai
from google.cloud import aiplatform
from transformers import pipeline

logger = logging.getLogger(__name__)
genai.configure(api_key=os.environ.get("GEMINI_API_KEY"))
model = genai.GenerativeModel("gemini-1.5-flash")
ENDPOINT = "projects/retail-ml/locations/us-central1/endpoints/42"

# The name is bound to the pipeline once it is made: this line builds it, it runs nothing.
pipeline = pipeline("text-classification", model="distilbert-base-uncased-finetuned-sst-2-english")


class SummaryError(Exception):
    pass


def summarize(text: str) -> str:
    response = model.generate_content(f"Summarize: {text}")  # expect: no-fallback no-timeout untraced-prediction
    return response.text


def summarize_bounded(text: str) -> str:
    try:
        response = model.generate_content(f"Summarize: {text}", request_options={"timeout": 20})
    except Exception:
        logger.exception("gemini failed")
        return ""
    logger.info("summary", extra={"model_version": response.model_version})
    return response.text


def summarize_or_raise(text: str) -> str:
    try:
        response = model.generate_content(f"Summarize: {text}", request_options={"timeout": 20})  # expect: no-fallback untraced-prediction
        return response.text
    except ValueError as exc:
        if "blocked" in str(exc):
            raise SummaryError("the prompt was blocked") from exc
        else:
            raise
    except Exception as exc:
        logger.error("gemini failed: %s", exc)
        raise SummaryError(str(exc)) from exc


def forecast(instances: list) -> object:
    client = aiplatform.gapic.PredictionServiceClient(client_options={"api_endpoint": "us-central1-aiplatform.googleapis.com"})
    # The whole response goes back: it names the deployed model and its version.
    response = client.predict(endpoint=ENDPOINT, instances=instances)  # expect: no-fallback no-timeout
    return response


def forecast_values(instances: list) -> list:
    client = aiplatform.gapic.PredictionServiceClient()
    response = client.predict(endpoint=ENDPOINT, instances=instances, timeout=5.0)  # expect: no-fallback untraced-prediction
    return list(response.predictions)


def sentiment(text: str) -> dict:
    best = pipeline(text)[0]  # expect: no-fallback untraced-prediction
    return {"label": best["label"], "score": best["score"]}
