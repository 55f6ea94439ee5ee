"""Document service: Ollama and Vertex AI Gemini answers, sentence-transformers embeddings, spaCy entities, RunPod jobs."""
import logging

import ollama
import runpod
import spacy
from fastapi import FastAPI, HTTPException
from ollama import Client
from sentence_transformers import SentenceTransformer
from vertexai.generative_models import GenerativeModel

logger = logging.getLogger(__name__)
app = FastAPI()
OLLAMA_MODEL = "phi3:mini"
EMBEDDER_VERSION = "all-MiniLM-L6-v2@2024-05"

local_llm = Client(host="http://localhost:11434")
bounded_llm = Client(host="http://localhost:11434", timeout=20.0)
gemini = GenerativeModel("gemini-1.5-pro")
embedder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
nlp = spacy.load("en_core_web_sm")
segmenter = runpod.Endpoint("marine-debris-seg")


@app.post("/summary")
def summary(text: str):
    reply = local_llm.chat(model=OLLAMA_MODEL, messages=[{"role": "user", "content": text}])  # expect: no-fallback no-timeout untraced-prediction
    return {"summary": reply["message"]["content"]}


@app.post("/summary-bounded")
def summary_bounded(text: str):
    try:
        reply = bounded_llm.chat(model=OLLAMA_MODEL, messages=[{"role": "user", "content": text}])
    except Exception:
        logger.exception("local model unavailable")
        raise HTTPException(status_code=503, detail="summaries are unavailable")
    return {"summary": reply["message"]["content"], "model": OLLAMA_MODEL}


@app.post("/quick")
def quick(text: str):
    reply = ollama.generate(model=OLLAMA_MODEL, prompt=text)  # expect: no-fallback no-timeout untraced-prediction
    return {"text": reply["response"]}


@app.post("/advice")
def advice(question: str):
    try:
        answer = gemini.generate_content(question)  # expect: no-timeout
    except Exception:
        raise HTTPException(status_code=500, detail="advice is unavailable")
    return {"text": answer.text, "model_used": "gemini-1.5-pro"}


@app.post("/embed")
def embed(texts: list[str]):
    vectors = embedder.encode(texts)  # expect: no-fallback untraced-prediction
    return {"embeddings": vectors.tolist()}


@app.post("/embed-traced")
def embed_traced(texts: list[str]):
    try:
        vectors = embedder.encode(texts)
    except RuntimeError:
        return {"embeddings": None, "error": "embedding failed"}
    return {"embeddings": vectors.tolist(), "model_version": EMBEDDER_VERSION}


@app.post("/entities")
def entities(sentence: str):
    doc = nlp(sentence)  # expect: no-fallback no-confidence untraced-prediction
    return [{"text": ent.text, "label": ent.label_} for ent in doc.ents]


def segment(image_b64: str) -> bytes:
    out = segmenter.run_sync({"input": {"image": image_b64}})  # expect: no-fallback no-timeout untraced-prediction
    return out["prediction"]
