"""AWS AI services called through boto3: Comprehend's sentiment and Rekognition's labels are hosted models whose
timeout is the client's botocore Config; creating a face collection runs no model."""
import boto3
from botocore.config import Config
from flask import Flask, jsonify, request

app = Flask(__name__)
comprehend = boto3.client("comprehend", region_name="eu-west-1")
rekognition = boto3.client("rekognition", config=Config(read_timeout=5, retries={"max_attempts": 2}))


@app.route("/review", methods=["POST"])
def review():
    result = comprehend.detect_sentiment(Text=request.json["text"], LanguageCode="en")  # expect: no-fallback no-timeout untraced-prediction
    return jsonify({"sentiment": result["Sentiment"], "scores": result["SentimentScore"]})


def labels_for(image_bytes):
    try:
        out = rekognition.detect_labels(Image={"Bytes": image_bytes}, MinConfidence=80)  # expect: untraced-prediction
    except Exception:
        return []
    return [label["Name"] for label in out["Labels"]]


def create_collection():
    return rekognition.create_collection(CollectionId="faces")
