"""Hosted inference endpoints that are not /predict-shaped: Hugging Face Inference API, OpenAI-compatible servers,
Ollama, Replicate's REST API, and URLs that only their names identify."""
import os

import requests

HF_API = "https://api-inference.huggingface.co/models/distilbert-base-uncased-finetuned-sst-2-english"
VLLM = "http://vllm.internal:8000/v1/chat/completions"
OLLAMA = "http://localhost:11434/api/generate"
HEADERS = {"Authorization": f"Bearer {os.environ.get('HF_TOKEN', '')}"}
DOCS_URL = "https://huggingface.co/docs"
MODEL_DOWNLOAD_URL = "https://example.com/models/resnet.onnx"


def sentiment(text: str) -> dict:
    return requests.post(HF_API, headers=HEADERS, json={"inputs": text}).json()  # expect: no-fallback no-timeout untraced-prediction


def complete(prompt: str) -> str:
    try:
        r = requests.post(VLLM, json={"model": "llama-3-8b", "messages": [{"role": "user", "content": prompt}]}, timeout=10)  # expect: untraced-prediction
        return r.json()["choices"][0]["message"]["content"]
    except requests.RequestException:
        return ""


def local_llm(prompt: str) -> str:
    try:
        return requests.post(OLLAMA, json={"model": "llama3", "prompt": prompt, "stream": False}).json()["response"]  # expect: no-timeout untraced-prediction
    except requests.RequestException:
        return ""


def scoring_service(payload: dict) -> float:
    url = os.environ["SCORING_SERVICE_URL"]
    try:
        return requests.post(url, json=payload, timeout=0.5).json()["score"]  # expect: untraced-prediction
    except requests.RequestException:
        return 0.0


class Gateway:
    def __init__(self, prediction_url: str):
        self._prediction_url = prediction_url

    def ask(self, payload: dict) -> dict:
        return requests.post(self._prediction_url, json=payload).json()  # expect: no-fallback no-timeout untraced-prediction


def not_inference() -> None:
    requests.get(DOCS_URL, timeout=5)
    requests.get(MODEL_DOWNLOAD_URL)
