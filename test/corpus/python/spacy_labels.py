"""spaCy pipelines in a Flask service: entity labels and text categories as answers."""
import spacy
from flask import Flask, jsonify, request

app = Flask(__name__)
ner = spacy.load("en_core_web_sm")
classifier = spacy.load("models/ticket_textcat")
MODEL_VERSION = classifier.meta.get("version", "unknown")
THRESHOLD = 0.7


@app.post("/entities")
def entities():
    text = request.json.get("text", "")
    try:
        doc = ner(text)  # expect: no-confidence untraced-prediction
    except ValueError:
        return jsonify({"error": "could not parse"}), 422
    return jsonify({"entities": [{"text": ent.text, "label": ent.label_} for ent in doc.ents]})


@app.post("/route-ticket")
def route_ticket():
    text = request.json.get("text", "")
    try:
        doc = classifier(text)  # expect: no-confidence
    except ValueError:
        return jsonify({"queue": "triage"})
    queue = max(doc.cats, key=doc.cats.get)
    return jsonify({"queue": queue, "model_version": MODEL_VERSION})


@app.post("/route-ticket-thresholded")
def route_ticket_thresholded():
    text = request.json.get("text", "")
    try:
        doc = classifier(text)
    except ValueError:
        return jsonify({"queue": "triage"})
    queue = max(doc.cats, key=doc.cats.get)
    if doc.cats[queue] < THRESHOLD:
        queue = "triage"
    return jsonify({"queue": queue, "model_version": MODEL_VERSION})


@app.post("/scores")
def scores():
    text = request.json.get("text", "")
    try:
        doc = classifier(text)
    except ValueError:
        return jsonify({"scores": {}})
    return jsonify({"scores": doc.cats, "model_version": MODEL_VERSION})


def count_people(texts):
    people = 0
    for doc in ner.pipe(texts):
        people += sum(1 for ent in doc.ents if ent.label_ == "PERSON")
    print(people)
