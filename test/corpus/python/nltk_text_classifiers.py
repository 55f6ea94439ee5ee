"""Text classifiers trained with NLTK or TextBlob, often pickled and loaded by a bot or a web service: `classify`
answers with the label alone, `prob_classify` with a distribution whose `prob(label)` is the score."""
import pickle

import nltk
from flask import Flask, jsonify, request
from textblob.classifiers import NaiveBayesClassifier

app = Flask(__name__)

with open("models/sentiment.pickle", "rb") as fh:
    sentiment = pickle.load(fh)  # expect: unsafe-model-load

MODEL_VERSION = "sentiment-2024-05"


def words(text):
    return {w: True for w in nltk.word_tokenize(text.lower())}


@app.route("/moderate", methods=["POST"])
def moderate():
    verdict = sentiment.classify(words(request.json["text"]))  # expect: no-fallback no-confidence
    if verdict == "abusive":
        return jsonify({"hidden": True, "model_version": MODEL_VERSION}), 200
    return jsonify({"hidden": False, "model_version": MODEL_VERSION}), 200


@app.route("/sentiment", methods=["POST"])
def scored():
    try:
        dist = sentiment.prob_classify(words(request.json["text"]))
    except Exception:
        return jsonify({"label": None, "fallback": True, "model_version": MODEL_VERSION}), 200
    best = dist.max()
    if dist.prob(best) < 0.7:
        return jsonify({"label": None, "model_version": MODEL_VERSION}), 200
    return jsonify({"label": best, "p": dist.prob(best), "model_version": MODEL_VERSION}), 200


train = [("I love this sandwich.", "pos"), ("This is my best work.", "pos"), ("I do not like this restaurant", "neg")]
topic_classifier = NaiveBayesClassifier(train)


def route_ticket(text):
    return topic_classifier.classify(text)  # expect: no-fallback no-confidence untraced-prediction


INTENT_EXAMPLES = [("where is my order", "shipping"), ("I want my money back", "refund")]
intents = nltk.NaiveBayesClassifier.train([(words(t), intent) for t, intent in INTENT_EXAMPLES])


def label_batch(texts):
    return intents.classify_many([words(t) for t in texts])  # expect: no-fallback no-confidence untraced-prediction
