"""Ollama behind a proxy that mounts it under /ollama (Open WebUI), next to the proxy's own chat history API."""
import requests

WEBUI = "http://localhost:3000"


def generate(prompt: str, ollama_url: str = "http://localhost:11434/api/v1/ollama/generate"):
    payload = {"model": "llama3", "prompt": prompt, "stream": False}
    try:
        r = requests.post(ollama_url, json=payload, timeout=60)  # expect: untraced-prediction
        if r.status_code != 200:
            return None
        return r.json().get("response", "")
    except requests.RequestException:
        return None


def chat(messages):
    r = requests.post(f"{WEBUI}/ollama/api/chat", json={"model": "llama3", "messages": messages, "stream": False})  # expect: no-fallback no-timeout
    reply = r.json()
    return {"text": reply["message"]["content"], "model": reply["model"]}


def history(chat_id):
    r = requests.get(f"{WEBUI}/api/chat/history/{chat_id}", timeout=5)
    return r.json()
