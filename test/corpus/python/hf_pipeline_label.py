"""Support-ticket triage with a Hugging Face sentiment pipeline."""
from transformers import pipeline

sentiment = pipeline("sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")


def route_ticket(text: str) -> str:
    result = sentiment(text)[0]  # expect: no-fallback no-confidence untraced-prediction
    if result["label"] == "NEGATIVE":
        return "priority-queue"
    return "standard-queue"
