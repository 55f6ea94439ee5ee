"""Top-1 labels taken in less common ways: a zero-shot pipeline's ranked `labels`, a torch.max over a forward pass
written inside the call, and a Keras network's outputs returned whole (its scores, not a label)."""
import numpy as np
import torch
from fastapi import FastAPI
from tensorflow import keras
from transformers import pipeline

app = FastAPI()
topics = pipeline("zero-shot-classification", model="facebook/bart-large-mnli")
net = torch.jit.load("models/birds.pt")
leaf_model = keras.models.load_model("models/leaf.keras")
TOPICS = ["billing", "shipping", "returns"]


@app.post("/topic")
def topic(text: str) -> str:
    ranked = topics(text, candidate_labels=TOPICS)  # expect: no-fallback no-confidence untraced-prediction
    return ranked["labels"][0]


@app.post("/topic-scored")
def topic_scored(text: str) -> dict:
    ranked = topics(text, candidate_labels=TOPICS)  # expect: no-fallback untraced-prediction
    return {"topic": ranked["labels"][0], "score": ranked["scores"][0]}


@app.post("/bird")
def bird(pixels: list[float]) -> int:
    x = torch.tensor(pixels).reshape(1, 3, 128, 128)
    _, predicted = torch.max(net(x).data, 1)  # expect: no-fallback no-confidence untraced-prediction
    return predicted.item()


@app.post("/bird-scored")
def bird_scored(pixels: list[float]) -> dict:
    x = torch.tensor(pixels).reshape(1, 3, 128, 128)
    score, predicted = torch.max(torch.softmax(net(x), 1), 1)  # expect: no-fallback untraced-prediction
    return {"bird": predicted.item(), "score": score.item()}


@app.post("/leaf")
def leaf(pixels: list[float]) -> list:
    outputs = leaf_model.predict(np.array(pixels).reshape(1, 96, 96, 3))  # expect: no-fallback untraced-prediction
    return outputs.tolist()


@app.post("/leaf-healthy")
def leaf_healthy(pixels: list[float]) -> str:
    outputs = leaf_model.predict(np.array(pixels).reshape(1, 96, 96, 3))  # expect: no-fallback no-confidence untraced-prediction
    return "healthy" if np.argmax(outputs) == 0 else "diseased"
