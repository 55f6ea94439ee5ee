"""Google Cloud Vision and Natural Language from a Flask service: hosted models whose calls take `timeout=` (in
seconds); their clients take none."""
from google.cloud import language_v1, vision
from flask import Flask, jsonify, request

app = Flask(__name__)
vision_client = vision.ImageAnnotatorClient()
language = language_v1.LanguageServiceClient()


@app.route("/labels", methods=["POST"])
def labels():
    image = vision.Image(content=request.files["image"].read())
    response = vision_client.label_detection(image=image)  # expect: no-fallback no-timeout untraced-prediction
    return jsonify([{"label": l.description, "score": l.score} for l in response.label_annotations])


def sentiment(text):
    document = language_v1.Document(content=text, type_=language_v1.Document.Type.PLAIN_TEXT)
    try:
        result = language.analyze_sentiment(request={"document": document}, timeout=10)  # expect: untraced-prediction
    except Exception:
        return None
    return result.document_sentiment.score
